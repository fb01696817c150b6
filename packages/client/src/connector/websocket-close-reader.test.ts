import { websocketCloseReader } from "./websocket-close-reader";

const frame = (opcode: number, payload: Buffer, mask?: Buffer): Buffer => {
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65_536 ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), Buffer.from(new BigUint64Array([BigInt(length)]).buffer).reverse()]);
  if (!mask) return Buffer.concat([head, payload]);
  head[1] = (head[1] ?? 0) | 0x80;
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)))]);
};
const close = (code: number) => {
  const payload = Buffer.alloc(2 + 13);
  payload.writeUInt16BE(code, 0);
  payload.write("TOKEN_REVOKED", 2);
  return frame(0x8, payload);
};

describe("reading a WebSocket stream for its close frame", () => {
  it("when a close frame follows text and large binary frames split at every byte, then its code is reported once", () => {
    const stream = Buffer.concat([frame(0x1, Buffer.from("hello")), frame(0x2, Buffer.alloc(300, 1)), frame(0x2, Buffer.alloc(70_000, 2)), close(4401), frame(0x1, Buffer.from("after"))]);
    const codes: (number | undefined)[] = [];
    const read = websocketCloseReader((code) => codes.push(code));
    for (let at = 0; at < stream.length; at += 7) read(stream.subarray(at, at + 7));
    expect(codes).toEqual([4401]);
  });

  it("when the stream comes in one chunk, or the close frame is masked or empty, then the code (or none) is reported", () => {
    const codes: (number | undefined)[] = [];
    websocketCloseReader((code) => codes.push(code))(Buffer.concat([frame(0x9, Buffer.from("ping")), close(1000)]));
    const masked = Buffer.alloc(2);
    masked.writeUInt16BE(4401, 0);
    websocketCloseReader((code) => codes.push(code))(frame(0x8, masked, Buffer.from([1, 2, 3, 4])));
    websocketCloseReader((code) => codes.push(code))(frame(0x8, Buffer.alloc(0)));
    expect(codes).toEqual([1000, 4401, undefined]);
  });

  it("when no close frame arrives, then nothing is reported", () => {
    const read = websocketCloseReader(() => {
      throw new Error("no close frame was sent");
    });
    read(frame(0x1, Buffer.from("x".repeat(200))));
    read(frame(0x2, Buffer.alloc(10)).subarray(0, 1));
  });
});
