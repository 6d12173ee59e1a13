'use strict';
// Follows the witness log as the workers append to it, for steering only: who
// is inside the lock now, how many acquisitions and kills so far, and a wake-up
// on the next acquisition. The checker judges the whole log at the end.
const fs = require('node:fs');

class LogTail {
  /** `onEnter()` runs on each acquisition; `onBad(line)` on a worker's "bad" or "error" line. */
  constructor(logPath, { onEnter = () => {}, onBad = () => {} } = {}) {
    this.acquisitions = 0;
    this.kills = 0;
    this.insidePid = null;
    this._onEnter = onEnter;
    this._onBad = onBad;
    this._waiters = [];
    this._offset = 0;
    this._partial = '';
    this._buf = Buffer.alloc(1 << 20);
    this._fd = fs.openSync(logPath, 'r');
    this._timer = setInterval(() => this.pump(), 5);
  }

  /** Reads whatever was appended since the last call. */
  pump() {
    for (;;) {
      const n = fs.readSync(this._fd, this._buf, 0, this._buf.length, this._offset);
      if (n === 0) return;
      this._offset += n;
      const lines = (this._partial + this._buf.toString('latin1', 0, n)).split('\n');
      this._partial = lines.pop();
      for (const line of lines) this._line(line);
    }
  }

  _line(line) {
    const [type, pid] = line.split(' ');
    if (type === 'enter') {
      this.acquisitions++;
      this.insidePid = Number(pid);
      this._onEnter();
      const ws = this._waiters;
      this._waiters = [];
      for (const r of ws) r();
    } else if (type === 'exit' && this.insidePid === Number(pid)) this.insidePid = null;
    else if (type === 'kill') this.kills++;
    else if (type === 'bad' || type === 'error') this._onBad(line);
  }

  /** Resolves at the next acquisition, or after `ms`. */
  waitEnter(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this._waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stops following; the log itself stays for the checker. */
  close() {
    clearInterval(this._timer);
    fs.closeSync(this._fd);
  }
}

module.exports = { LogTail };
