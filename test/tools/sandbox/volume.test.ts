/** The sandbox's stand-in for a kubelet-written ConfigMap volume: readers see the old files or the new, never a mix. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { KubeletVolume } from "../../../tools/sandbox/volume";

describe("KubeletVolume", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubelet-volume-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("GIVEN a first write WHEN read THEN each file is a link through ..data into one timestamped folder", () => {
    const volume = new KubeletVolume(path.join(dir, "rules"));
    volume.write({ "billing-alerts.yml": "groups: []\n" });
    const entries = fs.readdirSync(volume.dir).sort();
    expect(entries).toEqual([expect.stringMatching(/^\.\.\d/), "..data", "billing-alerts.yml"]);
    expect(fs.readlinkSync(volume.file("billing-alerts.yml"))).toBe(path.join("..data", "billing-alerts.yml"));
    expect(volume.read()).toEqual({ "billing-alerts.yml": "groups: []\n" });
  });

  it("GIVEN an update that drops a file WHEN written THEN ..data moves to a new folder, the old one and the dropped link are gone", () => {
    const volume = new KubeletVolume(path.join(dir, "alertmanager"));
    volume.write({ "alertmanager.yml": "a", "billing-email.tmpl": "t" });
    const first = fs.readlinkSync(path.join(volume.dir, "..data"));
    volume.write({ "alertmanager.yml": "b" });
    const second = fs.readlinkSync(path.join(volume.dir, "..data"));
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(volume.dir, first))).toBe(false);
    expect(volume.read()).toEqual({ "alertmanager.yml": "b" });
  });

  it("GIVEN a file put in a link's place by hand WHEN the volume is written THEN the link is restored with the new content", () => {
    const volume = new KubeletVolume(path.join(dir, "rules"));
    volume.write({ "billing-alerts.yml": "old" });
    fs.rmSync(volume.file("billing-alerts.yml"));
    fs.writeFileSync(volume.file("billing-alerts.yml"), "by hand");
    volume.write({ "billing-alerts.yml": "new" });
    expect(fs.readlinkSync(volume.file("billing-alerts.yml"))).toBe(path.join("..data", "billing-alerts.yml"));
    expect(volume.read()).toEqual({ "billing-alerts.yml": "new" });
  });
});
