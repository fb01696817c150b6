/** A progress line on stderr for anything slow; silent when stderr is not a terminal. */
export async function withProgress<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work;
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  const timer = setInterval(() => process.stderr.write(`\r${frames[frame++ % frames.length]} ${label}`), 80);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write(`\r${" ".repeat(label.length + 2)}\r`);
  }
}
