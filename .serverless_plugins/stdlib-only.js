'use strict';

// Keeps the requirements out of the zips of functions that import only the standard library and our own code: the
// `slack` ingress (bot/ingress/), which Lambda downloads and unpacks on every cold start while Slack waits 3 s.
// Mark such a function `pythonRequirements: false` in serverless.yml.
// serverless-python-requirements (6.1.2) cannot leave a function out: with `package.individually` it injects the one
// requirements set into every python function's zip (per-function requirements need a `module` directory per
// function, holding its handler and its own requirements file, which one `bot` package shared by every function
// cannot be). So this runs after it (serverless.yml lists it later, and plugins' hooks run in that order) and takes
// out of the marked functions' zips exactly what it injected: the top-level names of .serverless/requirements, the
// directory it injects from. tests/deploy/test_packages.py checks the result (no third-party package, and every
// module the ingress imports).
const fs = require('fs');
const path = require('path');
const JSZip = require('jszip'); // the framework's and serverless-python-requirements' own dependency

class StdlibOnly {
  constructor(serverless) {
    this.serverless = serverless;
    if (serverless.configSchemaHandler && serverless.configSchemaHandler.defineFunctionProperties) {
      serverless.configSchemaHandler.defineFunctionProperties('aws', {
        properties: { pythonRequirements: { type: 'boolean' } },
      });
    }
    const strip = () => this.strip();
    this.hooks = {
      'after:package:createDeploymentArtifacts': strip,
      'after:deploy:function:packageFunction': strip,
    };
  }

  async strip() {
    const service = this.serverless.service;
    const marked = service.getAllFunctions().filter((name) => service.getFunction(name).pythonRequirements === false);
    if (marked.length === 0) return;
    if (!service.package || !service.package.individually) {
      throw new this.serverless.classes.Error(
        `stdlib-only: ${marked.join(', ')} (pythonRequirements: false) need \`package.individually: true\`: one ` +
          'shared zip, requirements included, would serve every function',
      );
    }
    const injectedFrom = path.join(this.serverless.serviceDir, '.serverless', 'requirements');
    if (!fs.existsSync(injectedFrom)) return;
    const injected = new Set(fs.readdirSync(injectedFrom));
    for (const name of marked) {
      const fn = service.getFunction(name);
      const artifact = fn.package && fn.package.artifact;
      if (!artifact) continue; // `deploy function` packages one function: the others have none
      const file = path.resolve(this.serverless.serviceDir, artifact);
      const zip = await JSZip.loadAsync(fs.readFileSync(file));
      const extra = Object.keys(zip.files).filter((entry) => injected.has(entry.split('/')[0]));
      if (extra.length === 0) continue;
      extra.forEach((entry) => zip.remove(entry));
      // as the framework and serverless-python-requirements write theirs
      const buffer = await zip.generateAsync({
        type: 'nodebuffer',
        platform: 'UNIX',
        compression: 'DEFLATE',
        compressionOptions: { level: 9 },
      });
      fs.writeFileSync(file, buffer);
      this.serverless.cli.log(`stdlib-only: ${name}'s zip holds no requirements (${extra.length} entries out)`);
    }
  }
}

module.exports = StdlibOnly;
