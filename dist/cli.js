#!/usr/bin/env node
// Made by scripts/build.mjs: source maps on, then the bundle, so that stack traces name src/ files.
process.setSourceMapsEnabled(true);
await import("./cli.bundle.js");
