// What the card shows, read from the hass object alone (no requests of its own):
// Health Monitor's entities come from hass.entities (the entity registry as the
// frontend has it: platform, device_id, translation_key), grouped by the device of
// each component in hass.devices; their values from hass.states.

export const DOMAIN = "health_monitor";

// Worst first: the order components are listed in.
export const STATUS_ORDER = ["critical", "degraded", "warning", "unknown", "healthy"];
export const SEVERITY_ORDER = ["emergency", "critical", "major", "minor", "info"];

// The metric shown beside a component's status: the first of these it has.
export const KEY_METRICS = [
  "cpu_percent",
  "process_memory_percent",
  "loop_lag",
  "response_time",
  "connect_time",
  "uptime_percent",
];

function registryEntries(hass) {
  return Object.values(hass.entities || {}).filter(
    (entry) => entry.platform === DOMAIN && entry.device_id
  );
}

function byDevice(entries) {
  const devices = new Map();
  for (const entry of entries) {
    const list = devices.get(entry.device_id) || [];
    list.push(entry);
    devices.set(entry.device_id, list);
  }
  return devices;
}

// The component id that the actions take, from the device's identifier
// (health_monitor, "<entry id>_<component id>").
export function componentId(device) {
  if (!device || !Array.isArray(device.identifiers)) return undefined;
  for (const [domain, value] of device.identifiers) {
    if (domain !== DOMAIN) continue;
    const entryId = (device.config_entries || []).find((id) => value.startsWith(`${id}_`));
    if (entryId) return value.slice(entryId.length + 1);
  }
  return undefined;
}

function numeric(stateObj) {
  if (!stateObj) return undefined;
  const value = Number.parseFloat(stateObj.state);
  return Number.isFinite(value) ? value : undefined;
}

function metricOf(hass, find) {
  for (const key of KEY_METRICS) {
    const entry = find(key);
    const stateObj = entry && hass.states[entry.entity_id];
    const value = numeric(stateObj);
    if (value !== undefined) {
      return {
        entity_id: entry.entity_id,
        value,
        unit: stateObj.attributes.unit_of_measurement || "",
        name: stateObj.attributes.friendly_name || key,
      };
    }
  }
  return undefined;
}

function incidentOf(problemEntry, stateObj) {
  if (!stateObj || stateObj.state !== "on" || !stateObj.attributes.incident_id) {
    return undefined;
  }
  const a = stateObj.attributes;
  return {
    id: a.incident_id,
    entity_id: problemEntry.entity_id,
    severity: a.severity || "info",
    status: a.status || "new",
    opened_at: a.opened_at,
    acknowledged: a.acknowledged === true,
    acknowledged_until: a.acknowledged_until || undefined,
    suppressed_by: a.suppressed_by || undefined,
    flapping: a.flapping === true,
    in_maintenance: a.in_maintenance === true,
    maintenance_until: a.maintenance_until || undefined,
  };
}

function rank(order, value) {
  const index = order.indexOf(value);
  return index < 0 ? order.length : index;
}

// The whole picture: { score, scoreEntity, overall, components: [...], incidents: [...] }.
export function readMonitor(hass, config = {}) {
  const hidden = new Set(config.hide_components || []);
  const result = { score: undefined, components: [], incidents: [] };
  for (const [deviceId, entries] of byDevice(registryEntries(hass))) {
    const find = (key) => entries.find((entry) => entry.translation_key === key);
    const scoreEntry = find("health_score");
    if (scoreEntry) {
      result.scoreEntity = scoreEntry.entity_id;
      result.score = numeric(hass.states[scoreEntry.entity_id]);
      const overall = find("overall_status");
      result.overall = overall && hass.states[overall.entity_id]?.state;
      continue;
    }
    const statusEntry = find("component_status");
    const statusState = statusEntry && hass.states[statusEntry.entity_id];
    if (!statusEntry || hidden.has(statusEntry.entity_id)) continue;
    const device = (hass.devices || {})[deviceId];
    const problemEntry = find("incident");
    const maintenanceEntry = find("maintenance");
    const component = {
      device_id: deviceId,
      id: componentId(device),
      name: device?.name_by_user || device?.name || statusEntry.entity_id,
      status: statusState ? statusState.state : "unavailable",
      message: statusState?.attributes.message,
      status_entity: statusEntry.entity_id,
      metric: metricOf(hass, find),
      in_maintenance: maintenanceEntry
        ? hass.states[maintenanceEntry.entity_id]?.state === "on"
        : false,
      maintenance_entity: maintenanceEntry?.entity_id,
      incident: problemEntry && incidentOf(problemEntry, hass.states[problemEntry.entity_id]),
    };
    result.components.push(component);
    if (component.incident) {
      result.incidents.push({ ...component.incident, component });
    }
  }
  result.components.sort(
    (a, b) =>
      rank(STATUS_ORDER, a.status) - rank(STATUS_ORDER, b.status) ||
      a.name.localeCompare(b.name)
  );
  result.incidents.sort(
    (a, b) =>
      rank(SEVERITY_ORDER, a.severity) - rank(SEVERITY_ORDER, b.severity) ||
      String(a.opened_at).localeCompare(String(b.opened_at))
  );
  return result;
}

// "3 min", "2 h 5 min", "4 d 1 h": how long ago an ISO time was.
export function age(iso, now = Date.now()) {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return "";
  const minutes = Math.max(0, Math.floor((now - then) / 60000));
  if (minutes < 1) return "< 1 min";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function formatTime(iso, locale) {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return "";
  return new Date(time).toLocaleString(locale || undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

// The entities a dashboard's history graphs show: the score, then every status.
export function historyEntities(hass) {
  const monitor = readMonitor(hass);
  return {
    score: monitor.scoreEntity,
    statuses: monitor.components.map((component) => component.status_entity),
  };
}
