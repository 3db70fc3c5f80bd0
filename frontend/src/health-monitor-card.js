// Health Monitor's Lovelace card, its editor and its dashboard strategy, in one module
// that the integration serves and loads on every dashboard (scripts/build_card).
import { CARD_TYPE, HealthMonitorCard } from "./card.js";
import { HealthMonitorCardEditor } from "./editor.js";
import { HealthMonitorDashboardStrategy } from "./strategy.js";

function define(name, element) {
  // A second copy of the module (e.g. also added as a resource) must not throw.
  if (!customElements.get(name)) customElements.define(name, element);
}

function defineAll() {
  define(CARD_TYPE, HealthMonitorCard);
  define(`${CARD_TYPE}-editor`, HealthMonitorCardEditor);
  define("ll-strategy-dashboard-health-monitor", HealthMonitorDashboardStrategy);
}

// The integration loads this module next to the frontend's own, so it may run first.
// The frontend's app then replaces window.customElements with a scoped registry
// polyfill that does not see what was defined before it: define once the app has
// defined <home-assistant> (at once when it has), or after 30 s without it.
Promise.race([
  customElements.whenDefined("home-assistant"),
  new Promise((resolve) => {
    setTimeout(resolve, 30000);
  }),
]).then(defineAll);

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
