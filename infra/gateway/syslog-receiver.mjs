// Receives what nginx sends with `syslog:server=…` (nginx documentation, "Logging to syslog"):
// UDP datagrams in RFC 3164 form, `<PRI>Mmm dd hh:mm:ss TAG: MESSAGE` (nohostname: no host field),
// and hands each message to the handler of its tag.
import dgram from "node:dgram";

const FRAME = /^<(\d{1,3})>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([^:\s]+): ([\s\S]*)$/;

/** Splits one datagram into its tag and message, or undefined when it is not nginx's syslog form. */
export function parseSyslogFrame(datagram) {
  const frame = FRAME.exec(datagram.replace(/\n$/, ""));
  return frame ? { tag: frame[2], message: frame[3] } : undefined;
}

/**
 * @param {{ host: string, port: number, handlers: Record<string, (message: string) => void>, onUnknown: (datagram: string) => void }} options
 * @returns {Promise<dgram.Socket>}
 */
export function startSyslogReceiver({ host, port, handlers, onUnknown }) {
  const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
  socket.on("message", (datagram) => {
    const frame = parseSyslogFrame(datagram.toString("utf8"));
    const handler = frame && handlers[frame.tag];
    if (handler) handler(frame.message);
    else onUnknown(datagram.toString("utf8"));
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}
