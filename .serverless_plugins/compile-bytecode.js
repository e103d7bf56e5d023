'use strict';

// Compiles Parley's own code (bot/, intents/) to bytecode for the runtime's Python before the zip is made.
// Lambda's /var/task is read-only, so without shipped .pyc files every cold start compiles every module it imports:
// bench/ measured +19 ms (+33 %) on the ingress's cold ack for that alone, several times more on a small Lambda.
// Hash-checked-free ("unchecked-hash") .pyc files do not depend on the zip's file times. The dependencies need
// nothing: pip compiled them when serverless-python-requirements installed them.
// The recogniser is pickled beside them (bot/tools/recogniser.py, bot/conversation/recogniser_cache.py), likewise.
// Once the zip is made, those .pyc files (and the pickle) are removed from the working tree again: Python never checks an unchecked
// one against its source, so left behind they would make every later local run (tests, make run) execute the code
// as it was when it was packaged, whatever was edited since.
const { spawnSync } = require('child_process');

class CompileBytecode {
  constructor(serverless) {
    this.serverless = serverless;
    const compile = () => this.compile();
    const clean = () => this.clean();
    this.hooks = {
      'before:package:createDeploymentArtifacts': compile,
      'before:deploy:function:packageFunction': compile,
      'after:package:createDeploymentArtifacts': clean,
      'after:deploy:function:packageFunction': clean,
    };
  }

  // Deletes the unchecked-hash .pyc files of bot/ and intents/ (bot/tools/bytecode.py), and nothing else
  clean() {
    const result = spawnSync(this.serverless.service.provider.runtime, ['-B', '-m', 'bot.tools.bytecode'],
      { cwd: this.serverless.serviceDir, stdio: 'inherit' });
    if (result.error || result.status !== 0) {
      this.serverless.cli.log(`compile-bytecode: could not remove the packaged .pyc files; delete bot/**/__pycache__ ` +
        `and intents/**/__pycache__ before running anything locally`);
    }
  }

  compile() {
    const runtime = this.serverless.service.provider.runtime; // e.g. python3.12: the .pyc must be for it
    const env = { ...process.env };
    delete env.PYTHONPYCACHEPREFIX; // the .pyc files must land beside the sources, where the zip takes them
    const result = spawnSync(
      runtime,
      ['-m', 'compileall', '-q', '-f', '--invalidation-mode', 'unchecked-hash', 'bot', 'intents'],
      { cwd: this.serverless.serviceDir, env, stdio: 'inherit' },
    );
    if (result.error || result.status !== 0) {
      throw new this.serverless.classes.Error(
        `compile-bytecode: "${runtime} -m compileall" failed (${result.error || `exit ${result.status}`}); ` +
          `put a ${runtime} on PATH (the venv's bin, or pyenv's) and package again`,
      );
    }
    // The recogniser, built once here and pickled beside the bytecode (bot/conversation/recogniser_cache.py): the
    // worker's and the Lex hook's first turn load it instead of building it from every example
    const recogniser = spawnSync(runtime, ['-m', 'bot.tools.recogniser', 'write'],
      { cwd: this.serverless.serviceDir, env, stdio: 'inherit' });
    if (recogniser.error || recogniser.status !== 0) {
      throw new this.serverless.classes.Error(
        `compile-bytecode: "${runtime} -m bot.tools.recogniser write" failed ` +
          `(${recogniser.error || `exit ${recogniser.status}`}); run "make setup" and package again`,
      );
    }
  }
}

module.exports = CompileBytecode;
