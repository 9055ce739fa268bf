/** Where long operations report their steps; the CLI prints them, tests may collect them. */
export type Progress = (message: string) => void;

export const silent: Progress = () => undefined;

export function stderrProgress(prefix: string): Progress {
  return (message) => {
    process.stderr.write(`[${prefix}] ${message}\n`);
  };
}
