// Health Monitor's Lovelace card, its editor and its dashboard strategy, in one module
// that the integration serves and loads on every dashboard (scripts/build_card).
import { CARD_TYPE, HealthMonitorCard } from "./card.js";
import { HealthMonitorCardEditor } from "./editor.js";
import { HealthMonitorDashboardStrategy } from "./strategy.js";

function define(name, element) {
  // A second copy of the module (e.g. also added as a resource) must not throw.
  if (!customElements.get(name)) customElements.define(name, element);
}

define(CARD_TYPE, HealthMonitorCard);
define(`${CARD_TYPE}-editor`, HealthMonitorCardEditor);
define("ll-strategy-dashboard-health-monitor", HealthMonitorDashboardStrategy);

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === CARD_TYPE)) {
  window.customCards.push({
    type: CARD_TYPE,
    name: "Health Monitor",
    description: "Health score, components and open incidents with acknowledge, resolve and maintenance",
    preview: true,
    documentationURL: "https://github.com/health-monitor/health_monitor#dashboard-and-card",
  });
}
