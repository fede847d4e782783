/**
 * A directory written the way the kubelet writes a ConfigMap or Secret volume (its atomic writer): the files live in
 * a timestamped folder, `..data` links to it, and each file name links into `..data`. An update writes a new folder
 * and swaps `..data` in one rename, so a reader sees the old files or the new ones, never a mix; the file names'
 * links are added and removed afterwards. What differs from a pod: the kubelet writes up to a minute or more after
 * the object changed (its sync period and cache); here the write happens when the sandbox is told.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const DATA = "..data";

export class KubeletVolume {
  private writes = 0;

  constructor(
    readonly dir: string,
    /** File mode of the files (a Secret volume's default is 0644 too; the sandbox keeps secrets to its user). */
    private readonly mode = 0o600,
  ) {}

  /** The path a reader opens for `file`: the link through `..data`. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Replaces the volume's whole content, atomically for any reader. */
  write(files: Readonly<Record<string, string>>): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const previous = this.currentFolder();
    // The kubelet's folder name is `..<timestamp>.<random>`; a counter keeps two writes in one second apart.
    const folder = `..${new Date().toISOString().replace(/[-:.TZ]/g, "_")}${process.pid}.${(this.writes += 1)}`;
    fs.mkdirSync(path.join(this.dir, folder));
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, folder, name), content, { mode: this.mode });
    const staged = path.join(this.dir, `${DATA}_tmp`);
    fs.rmSync(staged, { force: true });
    fs.symlinkSync(folder, staged);
    fs.renameSync(staged, path.join(this.dir, DATA));
    for (const name of Object.keys(files)) {
      // A file put in its place by hand (a test editing the volume) is replaced: the volume is the kubelet's alone.
      if (!this.linked(name)) {
        fs.rmSync(this.file(name), { force: true });
        fs.symlinkSync(path.join(DATA, name), this.file(name));
      }
    }
    for (const entry of fs.readdirSync(this.dir)) {
      if (!entry.startsWith("..") && !(entry in files)) fs.rmSync(this.file(entry), { force: true });
    }
    if (previous) fs.rmSync(path.join(this.dir, previous), { recursive: true, force: true });
  }

  /** The files as a reader sees them now. */
  read(): Record<string, string> {
    return Object.fromEntries(
      fs
        .readdirSync(this.dir)
        .filter((entry) => !entry.startsWith(".."))
        .map((entry) => [entry, fs.readFileSync(this.file(entry), "utf8")]),
    );
  }

  private linked(name: string): boolean {
    try {
      return fs.readlinkSync(this.file(name)) === path.join(DATA, name);
    } catch {
      return false;
    }
  }

  private currentFolder(): string | undefined {
    try {
      return fs.readlinkSync(path.join(this.dir, DATA));
    } catch {
      return undefined;
    }
  }
}
