import { DOMAIN, historyEntities } from "./model.js";

// A ready dashboard: `strategy: {type: custom:health-monitor}` in a dashboard's raw
// configuration. One view with the card, history graphs of the health score and of
// every component's status, and the Health Monitor switches.
export class HealthMonitorDashboardStrategy extends HTMLElement {
  static async generate(config, hass) {
    const hours = config.hours_to_show ?? 24;
    const { score, statuses } = historyEntities(hass);
    const switches = Object.values(hass.entities || {})
      .filter(
        (entry) =>
          entry.platform === DOMAIN &&
          ["monitoring", "incident_response", "maintenance_all"].includes(entry.translation_key)
      )
      .map((entry) => entry.entity_id)
      .sort();
    const cards = [{ type: "custom:health-monitor-card", ...(config.card || {}) }];
    if (score) {
      cards.push({ type: "history-graph", title: "Health score", hours_to_show: hours, entities: [score] });
    }
    if (statuses.length) {
      cards.push({
        type: "history-graph",
        title: "Component status",
        hours_to_show: hours,
        entities: statuses,
      });
    }
    if (switches.length) {
      cards.push({ type: "entities", title: "Controls", entities: switches });
    }
    return {
      title: config.title ?? "Health Monitor",
      views: [{ title: "Health", path: "health", icon: "mdi:heart-pulse", cards }],
    };
  }
}
