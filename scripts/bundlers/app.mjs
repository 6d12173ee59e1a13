// The ESM twin of app.cjs: the import condition, as electron-vite and esbuild ESM apps use it.
import { PidLock, backend } from 'pidlock-native';
const lock = new PidLock({ name: 'bundled', dir: process.argv[2] });
const got = lock.tryAcquire();
process.stdout.write(`${backend} ${got ? 'acquired' : 'refused'}\n`);
if (got) process.stdin.on('end', () => lock.release()).resume();
