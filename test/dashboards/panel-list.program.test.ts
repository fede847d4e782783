/** The panel list in docs/panels.md is the dashboard the code builds (no Grafana server runs here to show it). */
import { panelList, committedPanelList } from "../../tools/cli/panel-list";
import { dataPanels, deployedDashboard } from "../helpers/dashboard-json";

describe("docs/panels.md's panel list", () => {
  it("is there, between its markers", () => {
    expect(committedPanelList()).toEqual(expect.stringContaining("| Id | Panel |"));
  });

  it("is what tools/cli/panel-list.ts generates from the production stack (else run: npm run docs)", async () => {
    expect(committedPanelList()).toBe(await panelList());
  });

  it("lists every data panel of the production dashboard by id and title", async () => {
    const dashboard = await deployedDashboard("production");
    const listed = [...committedPanelList()!.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => `${m[1]} ${m[2].trim()}`);
    expect(listed).toEqual(dataPanels(dashboard).map((panel) => `${panel.id} ${panel.title}`));
  });
});
