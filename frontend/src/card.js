import { LitElement, html, nothing } from "lit";
import { DOMAIN, age, formatTime, readMonitor } from "./model.js";
import { cardStyles } from "./styles.js";

export const CARD_TYPE = "health-monitor-card";

export const DEFAULT_CONFIG = {
  title: "Health Monitor",
  show_components: true,
  show_healthy: true,
  maintenance_minutes: 30,
  hide_components: [],
};

function capitalize(text) {
  const value = String(text ?? "").replaceAll("_", " ");
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function scoreClass(score) {
  if (score === undefined) return "";
  if (score >= 80) return "good";
  if (score >= 50) return "fair";
  return "poor";
}

// Shows the health score, every component and the open incidents, with buttons to
// acknowledge (with a note), resolve and start maintenance.
export class HealthMonitorCard extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
    _busy: { state: true },
    _errors: { state: true },
    _now: { state: true },
  };

  static styles = cardStyles;

  constructor() {
    super();
    this._busy = {};
    this._errors = {};
    this._notes = {};
    this._now = Date.now();
  }

  static getConfigElement() {
    return document.createElement(`${CARD_TYPE}-editor`);
  }

  static getStubConfig() {
    return { title: DEFAULT_CONFIG.title };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") {
      throw new Error("Invalid configuration");
    }
    const minutes = config.maintenance_minutes ?? DEFAULT_CONFIG.maintenance_minutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080) {
      throw new Error("maintenance_minutes must be a whole number from 1 to 10080");
    }
    if (config.hide_components !== undefined && !Array.isArray(config.hide_components)) {
      throw new Error("hide_components must be a list of status sensor entity ids");
    }
    this._config = { ...DEFAULT_CONFIG, ...config };
  }

  getCardSize() {
    const monitor = this.hass ? readMonitor(this.hass, this._config) : undefined;
    if (!monitor) return 3;
    return 2 + monitor.incidents.length * 3 + (this._config.show_components ? monitor.components.length : 0);
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  connectedCallback() {
    super.connectedCallback();
    // Incident ages move on between state changes.
    this._clock = window.setInterval(() => {
      this._now = Date.now();
    }, 30000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.clearInterval(this._clock);
  }

  // Home Assistant sets hass on every state change of any entity: render only when one
  // of Health Monitor's entities (or the registries) changed.
  shouldUpdate(changed) {
    if (!changed.has("hass") || changed.size > 1) return true;
    const old = changed.get("hass");
    if (!old || !this.hass) return true;
    if (old.entities !== this.hass.entities || old.devices !== this.hass.devices) return true;
    if (old.themes !== this.hass.themes || old.locale !== this.hass.locale) return true;
    return Object.values(this.hass.entities || {}).some(
      (entry) =>
        entry.platform === DOMAIN && old.states[entry.entity_id] !== this.hass.states[entry.entity_id]
    );
  }

  _state(entityId) {
    const stateObj = entityId && this.hass.states[entityId];
    if (!stateObj) return "";
    return this.hass.formatEntityState ? this.hass.formatEntityState(stateObj) : capitalize(stateObj.state);
  }

  _moreInfo(entityId) {
    this.dispatchEvent(
      new CustomEvent("hass-more-info", { detail: { entityId }, bubbles: true, composed: true })
    );
  }

  async _call(key, service, data) {
    this._busy = { ...this._busy, [key]: true };
    const { [key]: _dropped, ...errors } = this._errors;
    this._errors = errors;
    try {
      await this.hass.callService(DOMAIN, service, data);
      if (service === "acknowledge") {
        this._notes[key] = "";
      }
    } catch (err) {
      this._errors = { ...this._errors, [key]: err?.message || String(err) };
    } finally {
      const { [key]: _done, ...busy } = this._busy;
      this._busy = busy;
    }
  }

  _acknowledge(incident) {
    const note = (this._notes[incident.id] || "").trim();
    this._call(incident.id, "acknowledge", { incident_id: incident.id, ...(note ? { note } : {}) });
  }

  _resolve(incident) {
    const note = (this._notes[incident.id] || "").trim();
    this._call(incident.id, "resolve", { incident_id: incident.id, ...(note ? { note } : {}) });
  }

  _maintain(incident) {
    const component = incident.component;
    const note = (this._notes[incident.id] || "").trim();
    this._call(incident.id, "start_maintenance", {
      ...(component.id ? { components: [component.id] } : {}),
      duration: this._config.maintenance_minutes * 60,
      ...(note ? { reason: note.slice(0, 255) } : {}),
    });
  }

  render() {
    if (!this.hass || !this._config) return nothing;
    const monitor = readMonitor(this.hass, this._config);
    const components = this._config.show_healthy
      ? monitor.components
      : monitor.components.filter((component) => component.status !== "healthy");
    return html`
      <ha-card>
        <div class="header">
          <div class="title">${this._config.title}</div>
          <div
            class="score ${scoreClass(monitor.score)}"
            @click=${() => this._moreInfo(monitor.scoreEntity)}
          >
            <span class="value" data-testid="score">${monitor.score ?? "–"}</span>
            <span class="label">/ 100</span>
          </div>
        </div>
        ${monitor.components.length === 0 && monitor.scoreEntity === undefined
          ? html`<p class="empty">No Health Monitor entities found. Is the integration set up?</p>`
          : nothing}
        <h3>Open incidents (${monitor.incidents.length})</h3>
        ${monitor.incidents.length === 0
          ? html`<div class="empty" data-testid="no-incidents">No open incidents</div>`
          : monitor.incidents.map((incident) => this._renderIncident(incident))}
        ${this._config.show_components
          ? html`<h3>Components (${components.length})</h3>
              ${components.map((component) => this._renderComponent(component))}`
          : nothing}
      </ha-card>
    `;
  }

  _renderIncident(incident) {
    const busy = Boolean(this._busy[incident.id]);
    const error = this._errors[incident.id];
    const locale = this.hass.locale?.language;
    return html`
      <div class="incident ${incident.severity}" data-incident=${incident.id}>
        <div class="line">
          <span class="chip ${incident.severity}">${capitalize(incident.severity)}</span>
          <span class="name">${incident.component.name}</span>
          ${incident.acknowledged
            ? html`<span class="chip acknowledged" data-testid="acknowledged">Acknowledged</span>`
            : nothing}
          ${incident.in_maintenance ? html`<span class="chip maintenance">Maintenance</span>` : nothing}
          ${incident.flapping ? html`<span class="chip flapping">Flapping</span>` : nothing}
          ${incident.suppressed_by
            ? html`<span class="chip suppressed">Caused by ${incident.suppressed_by}</span>`
            : nothing}
        </div>
        <div class="meta">
          ${incident.id} · ${capitalize(incident.status)} · open for
          <span data-testid="age">${age(incident.opened_at, this._now)}</span>
          ${incident.acknowledged_until
            ? html` · acknowledged until ${formatTime(incident.acknowledged_until, locale)}`
            : nothing}
          ${incident.maintenance_until
            ? html` · maintenance until ${formatTime(incident.maintenance_until, locale)}`
            : nothing}
        </div>
        ${incident.component.message
          ? html`<div class="meta">${incident.component.message}</div>`
          : nothing}
        <div class="actions">
          <input
            type="text"
            maxlength="2000"
            placeholder="Note (optional)"
            aria-label="Note for ${incident.id}"
            .value=${this._notes[incident.id] || ""}
            @input=${(ev) => {
              this._notes[incident.id] = ev.target.value;
            }}
          />
          <button
            class="primary"
            data-action="acknowledge"
            ?disabled=${busy || incident.acknowledged}
            @click=${() => this._acknowledge(incident)}
          >
            Acknowledge
          </button>
          <button data-action="resolve" ?disabled=${busy} @click=${() => this._resolve(incident)}>
            Resolve
          </button>
          <button
            data-action="maintenance"
            ?disabled=${busy || incident.in_maintenance}
            @click=${() => this._maintain(incident)}
          >
            Maintenance ${this._config.maintenance_minutes} min
          </button>
        </div>
        ${error ? html`<div class="error" role="alert">${error}</div>` : nothing}
      </div>
    `;
  }

  _renderComponent(component) {
    const metric = component.metric;
    return html`
      <div
        class="component"
        data-component=${component.status_entity}
        @click=${() => this._moreInfo(component.status_entity)}
      >
        <span class="dot ${component.status}"></span>
        <div>
          <div class="name">${component.name}</div>
          ${component.message ? html`<div class="message">${component.message}</div>` : nothing}
        </div>
        <div class="right">
          <div class="metric">${metric ? this._state(metric.entity_id) : ""}</div>
          <div class="status">
            ${this._state(component.status_entity)}${component.in_maintenance ? " · maintenance" : ""}
          </div>
        </div>
      </div>
    `;
  }
}
