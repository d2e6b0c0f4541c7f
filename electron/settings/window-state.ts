// Remembers the window's size, position and maximized state across launches (a JSON file in the
// user-data directory). A saved position that is no longer on any display (a monitor was unplugged) is
// dropped so the window opens centered instead of off-screen; a saved size is clamped to the display.

export interface WindowState {
  /** absent: let the window manager place (center) the window */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;
/** how much of the window's top edge must lie on a display to count as reachable (title bar) */
const VISIBLE_EDGE_PX = 64;
const MAX_COORD = 100_000;

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Parses the saved file; anything malformed yields null (defaults), never an exception. */
export function parseWindowState(text: string | null): WindowState | null {
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (!isInt(o.width, 1, MAX_COORD) || !isInt(o.height, 1, MAX_COORD)) return null;
  const state: WindowState = { width: o.width, height: o.height, maximized: o.maximized === true };
  if (isInt(o.x, -MAX_COORD, MAX_COORD) && isInt(o.y, -MAX_COORD, MAX_COORD)) {
    state.x = o.x;
    state.y = o.y;
  }
  return state;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** The state to open the window with, given what was saved and the displays' work areas now. */
export function restoreWindowState(saved: WindowState | null, workAreas: readonly Rect[]): WindowState {
  if (saved === null) return { ...DEFAULT_WINDOW_SIZE, maximized: false };
  let width = Math.max(saved.width, MIN_WINDOW_SIZE.width);
  let height = Math.max(saved.height, MIN_WINDOW_SIZE.height);
  const state: WindowState = { width, height, maximized: saved.maximized };
  if (saved.x === undefined || saved.y === undefined) return clampToLargest(state, workAreas);
  const x = saved.x;
  const y = saved.y;
  // The window's top strip (where the title bar is) must be on some display, or the user cannot grab it.
  const home = workAreas.find(
    (a) =>
      overlap(x, x + width, a.x, a.x + a.width) >= Math.min(VISIBLE_EDGE_PX, width) &&
      y >= a.y &&
      y < a.y + a.height - VISIBLE_EDGE_PX / 2,
  );
  if (home === undefined) return clampToLargest(state, workAreas);
  width = Math.min(width, home.width);
  height = Math.min(height, home.height);
  return { x, y, width, height, maximized: saved.maximized };
}

function clampToLargest(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const largest = [...workAreas].sort((a, b) => b.width * b.height - a.width * a.height)[0];
  if (largest === undefined) return { width: state.width, height: state.height, maximized: state.maximized };
  return {
    width: Math.min(state.width, largest.width),
    height: Math.min(state.height, largest.height),
    maximized: state.maximized,
  };
}

/** File access, injected so tests use a temporary directory. */
export interface WindowStateFiles {
  read(path: string): string | null;
  /** writes atomically (temporary file + rename) */
  write(path: string, text: string): void;
}

export class WindowStateStore {
  constructor(
    private readonly path: string,
    private readonly files: WindowStateFiles,
  ) {}

  load(workAreas: readonly Rect[]): WindowState {
    let text: string | null = null;
    try {
      text = this.files.read(this.path);
    } catch {
      text = null;
    }
    return restoreWindowState(parseWindowState(text), workAreas);
  }

  /** normalBounds: the un-maximized bounds (BrowserWindow.getNormalBounds()) */
  save(normalBounds: Rect, maximized: boolean): void {
    const state: WindowState = {
      x: Math.round(normalBounds.x),
      y: Math.round(normalBounds.y),
      width: Math.round(normalBounds.width),
      height: Math.round(normalBounds.height),
      maximized,
    };
    try {
      this.files.write(this.path, `${JSON.stringify(state)}\n`);
    } catch {
      // losing the window position is not worth an error dialog at quit
    }
  }
}
