// Sender check for every main-side IPC handler: the call must come from our window's webContents, from
// its main frame (not an iframe), and from the page we loaded (app://waitline/index.html). Anything else
// — another window, a frame, a page the renderer navigated to — is refused.

/** The part of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  sender: { id: number };
  /** null when the frame was destroyed or navigated away before the message was handled */
  senderFrame: { url: string; parent: unknown } | null;
}

/** null when the sender is trusted, else the reason it is not. */
export type SenderCheck = (event: InvokeEventLike) => string | null;

export interface TrustedSenderOptions {
  /** id of our window's webContents; null while there is no window */
  windowContentsId: () => number | null;
  /** the URL our window loads, e.g. app://waitline/index.html; query and fragment are ignored */
  expectedUrl: string;
}

function samePage(actual: string, expected: URL): boolean {
  let u: URL;
  try {
    u = new URL(actual);
  } catch {
    return false;
  }
  // Scheme, host (with port) and path must all match: the same host and path under http:, https: or
  // file: is another origin. User info is never part of our URL, so a URL carrying it is not ours.
  return (
    u.protocol === expected.protocol &&
    u.host === expected.host &&
    u.pathname === expected.pathname &&
    u.username === '' &&
    u.password === ''
  );
}

export function trustedSender(opts: TrustedSenderOptions): SenderCheck {
  const expected = new URL(opts.expectedUrl);
  return (event) => {
    const ours = opts.windowContentsId();
    if (ours === null || event.sender.id !== ours) return 'the sender is not the Waitline window';
    const frame = event.senderFrame;
    if (frame === null) return 'the sending frame is gone';
    if (frame.parent !== null && frame.parent !== undefined) return 'the sender is a subframe, not the main frame';
    if (!samePage(frame.url, expected)) return `the sending page is not ${opts.expectedUrl}`;
    return null;
  };
}
