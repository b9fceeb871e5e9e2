// The WebAssembly decoders report corrupt input with console.error/warn as
// well as in their results. In the worker those lines are caught here and put
// into the coded error's message, instead of landing on Node-RED's log unasked.
const caught: string[] = [];
let installed = false;

export function catchCodecLogs(): void {
  if (installed) return;
  installed = true;
  const keep = (...args: unknown[]) => {
    if (caught.length < 20) caught.push(args.map(String).join(' '));
  };
  console.error = keep;
  console.warn = keep;
}

/** The lines logged since the last call. */
export function takeCodecLogs(): string[] {
  return caught.splice(0, caught.length);
}
