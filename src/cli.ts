#!/usr/bin/env node
// The `pidlock` command's entry: runs main() and turns a thrown bug into exit
// EXIT.INTERNAL with its stack.
import { EXIT } from './cli/exit';
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not a user error: keep the stack so it can be reported.
    process.stderr.write(`pidlock: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);
