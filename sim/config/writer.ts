/**
 * Running-config writer: sections render from state into a ConfigWriter, in explicit order.
 * Frames are lazy (FRR vty_frame): a header is printed only if a body line follows.
 */

export class ConfigWriter {
  readonly lines: string[] = [];
  private frames: { header: string; printed: boolean }[] = [];

  /** Open a frame: `header` is printed only when the first body line is written. */
  frame(header: string): void {
    this.frames.push({ header, printed: false });
  }

  line(text: string): void {
    for (const f of this.frames) {
      if (!f.printed) {
        this.lines.push(f.header);
        f.printed = true;
      }
    }
    this.lines.push(text);
  }

  /** Write the header even with an empty body (IOS prints `interface X` with no children). */
  forceFrame(): void {
    for (const f of this.frames) {
      if (!f.printed) {
        this.lines.push(f.header);
        f.printed = true;
      }
    }
  }

  /** Close the innermost frame; `closer` is printed only if the frame was printed. */
  endFrame(closer?: string): boolean {
    const f = this.frames.pop();
    if (!f) throw new Error('ConfigWriter: endFrame without frame');
    if (f.printed && closer !== undefined) this.lines.push(closer);
    return f.printed;
  }

  /** A `!` separator (suppressed inside a frame that has printed nothing). */
  bang(): void {
    if (this.frames.some((f) => !f.printed)) return;
    this.lines.push('!');
  }
}
