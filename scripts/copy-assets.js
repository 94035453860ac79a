// tsc does not copy non-TS files: put the Lua scripts next to the compiled code that loads them.
const { cpSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
cpSync(join(root, 'src/redis/lua'), join(root, 'dist/redis/lua'), { recursive: true });
