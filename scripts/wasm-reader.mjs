// Reading the wasm binary format, for the build's checks and rewrites (shorten-names.mjs,
// check-no-fmt.mjs): unsigned LEB128 numbers and length-prefixed names, from a position.
export class Reader {
  constructor(bytes, at = 8) {
    this.bytes = bytes;
    this.at = at;
  }

  leb() {
    let n = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.at++];
      n += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return n;
    }
  }

  name() {
    const length = this.leb();
    const text = this.bytes.subarray(this.at, this.at + length).toString('utf8');
    this.at += length;
    return text;
  }
}
