const CLOSE_OPCODE = 0x8;

interface FrameHeader {
  opcode: number;
  /** Where the payload starts in the buffer. */
  payloadAt: number;
  payloadLength: number;
  maskKey: Buffer | undefined;
}

/** RFC 6455 §5.2 base framing: 2 bytes, then a 16- or 64-bit length, then a 4-byte mask key. */
function readHeader(data: Buffer, at: number): FrameHeader | undefined {
  if (data.length - at < 2) return undefined;
  const first = data[at] ?? 0;
  const second = data[at + 1] ?? 0;
  const masked = (second & 0x80) !== 0;
  let length = second & 0x7f;
  let next = at + 2;
  if (length === 126) {
    if (data.length - next < 2) return undefined;
    length = data.readUInt16BE(next);
    next += 2;
  } else if (length === 127) {
    if (data.length - next < 8) return undefined;
    length = Number(data.readBigUInt64BE(next));
    next += 8;
  }
  if (masked && data.length - next < 4) return undefined;
  const maskKey = masked ? data.subarray(next, next + 4) : undefined;
  return { opcode: first & 0x0f, payloadAt: next + (masked ? 4 : 0), payloadLength: length, maskKey };
}

/**
 * Watches one direction of a WebSocket byte stream, frame by frame, for its close frame, and
 * reports the status code in it (RFC 6455 §5.5.1; `undefined` for a close frame without one,
 * which §7.1.5 reads as 1005). Payloads are skipped, never copied; chunks may split anywhere.
 * Feed it every chunk in order; it stops reading after the close frame.
 */
export function websocketCloseReader(onClose: (code: number | undefined) => void): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  let skip = 0;
  let done = false;
  return (chunk) => {
    if (done) return;
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    let at = 0;
    while (at < data.length) {
      if (skip > 0) {
        const step = Math.min(skip, data.length - at);
        skip -= step;
        at += step;
        continue;
      }
      const header = readHeader(data, at);
      if (!header) break;
      if (header.opcode !== CLOSE_OPCODE) {
        at = header.payloadAt;
        skip = header.payloadLength;
        continue;
      }
      if (header.payloadLength >= 2 && data.length - header.payloadAt < 2) break;
      done = true;
      if (header.payloadLength < 2) return onClose(undefined);
      const code = Buffer.from(data.subarray(header.payloadAt, header.payloadAt + 2));
      if (header.maskKey) for (let i = 0; i < 2; i++) code[i] = (code[i] ?? 0) ^ (header.maskKey[i] ?? 0);
      return onClose(code.readUInt16BE(0));
    }
    // A header split across chunks: keep its first bytes (a few at most) for the next one.
    if (at < data.length) pending = Buffer.from(data.subarray(at));
  };
}
