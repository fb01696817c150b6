import ora from "ora";

/**
 * A spinner on stderr while `work` runs, only when stderr is a terminal: piped output and logs
 * stay free of frames. It stops before the promise settles, so what follows prints on a clean line.
 */
export async function withProgress<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work;
  const spinner = ora({ text: label, stream: process.stderr }).start();
  try {
    return await work;
  } finally {
    spinner.stop();
  }
}
