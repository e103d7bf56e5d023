'use strict';

// Compiles Parley's own code (bot/, intents/) to bytecode for the runtime's Python before the zip is made.
// Lambda's /var/task is read-only, so without shipped .pyc files every cold start compiles every module it imports:
// bench/ measured +19 ms (+33 %) on the ingress's cold ack for that alone, several times more on a small Lambda.
// Hash-checked-free ("unchecked-hash") .pyc files do not depend on the zip's file times. The dependencies need
// nothing: pip compiled them when serverless-python-requirements installed them.
const { spawnSync } = require('child_process');

class CompileBytecode {
  constructor(serverless) {
    this.serverless = serverless;
    const compile = () => this.compile();
    this.hooks = {
      'before:package:createDeploymentArtifacts': compile,
      'before:deploy:function:packageFunction': compile,
    };
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
  }
}

module.exports = CompileBytecode;
