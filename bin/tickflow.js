#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so there is no build step between editing and running.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('../cli/main.ts');
