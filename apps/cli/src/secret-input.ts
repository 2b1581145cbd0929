/** Reading secrets: the first line of stdin when it is piped, or a prompt without echo on a terminal. */
import type { ReadStream } from "node:tty";

/** The user pressed Ctrl-C at a prompt. */
export class InterruptedError extends Error {
  constructor() {
    super("interrupted");
    this.name = "InterruptedError";
  }
}

export interface SecretIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** The first line of stdin (without its line ending); empty when stdin is empty. */
export async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return (text.split("\n", 1)[0] ?? "").replace(/\r$/, "");
}

function isTtyStream(s: SecretIo["stdin"]): s is ReadStream {
  return s.isTTY === true && typeof (s as Partial<ReadStream>).setRawMode === "function";
}

export function stdinIsTerminal(io: SecretIo): boolean {
  return isTtyStream(io.stdin);
}

/** Asks for a secret on the terminal without echoing it. */
export function promptHidden(io: SecretIo, prompt: string): Promise<string> {
  const input = io.stdin;
  if (!isTtyStream(input)) return Promise.reject(new Error("stdin is not a terminal"));
  io.stderr.write(prompt);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding("utf8");
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let value = "";
    const finish = (): void => {
      input.off("data", onData);
      input.setRawMode(wasRaw);
      input.pause();
      io.stderr.write("\n");
    };
    const onData = (chunk: string | Buffer): void => {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      for (let i = 0; i < text.length; i++) {
        const ch = text.charAt(i);
        if (ch === "\r" || ch === "\n") {
          finish();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          // Ctrl-C
          finish();
          reject(new InterruptedError());
          return;
        }
        if (ch === "\u0004") {
          // Ctrl-D: end of input
          finish();
          resolve(value);
          return;
        }
        if (ch === "\u007f" || ch === "\b") {
          value = Array.from(value).slice(0, -1).join("");
        } else if (ch === "\u0015") {
          value = ""; // Ctrl-U
        } else if (ch === "\u001b") {
          break; // an escape sequence (arrow keys…): drop the rest of this chunk
        } else if (ch >= " ") {
          value += ch;
        }
      }
    };
    input.on("data", onData);
  });
}
