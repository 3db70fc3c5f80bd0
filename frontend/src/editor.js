import { LitElement, html, nothing } from "lit";
import { DEFAULT_CONFIG } from "./card.js";

// The visual editor: Home Assistant's own ha-form (loaded by the card editor dialog).
const SCHEMA = [
  { name: "title", selector: { text: {} } },
  { name: "show_components", selector: { boolean: {} } },
  { name: "show_healthy", selector: { boolean: {} } },
  {
    name: "maintenance_minutes",
    selector: { number: { min: 1, max: 10080, mode: "box", unit_of_measurement: "min" } },
  },
  {
    name: "hide_components",
    selector: {
      entity: {
        multiple: true,
        filter: { integration: "health_monitor", domain: "sensor", device_class: "enum" },
      },
    },
  },
];

const LABELS = {
  title: "Title",
  show_components: "Show the components",
  show_healthy: "Show healthy components",
  maintenance_minutes: "Maintenance button: minutes",
  hide_components: "Components to leave out (their status sensors)",
};

export class HealthMonitorCardEditor extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
  };

  setConfig(config) {
    this._config = config;
  }

  _changed(ev) {
    const config = { ...ev.detail.value };
    if (!config.hide_components?.length) delete config.hide_components;
    if (config.maintenance_minutes !== undefined) {
      config.maintenance_minutes = Math.round(Number(config.maintenance_minutes));
    }
    this.dispatchEvent(
      new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true })
    );
  }

  render() {
    if (!this.hass || !this._config) return nothing;
    return html`
      <ha-form
        .hass=${this.hass}
        .data=${{ ...DEFAULT_CONFIG, ...this._config }}
        .schema=${SCHEMA}
        .computeLabel=${(field) => LABELS[field.name] || field.name}
        @value-changed=${this._changed}
      ></ha-form>
    `;
  }
}
