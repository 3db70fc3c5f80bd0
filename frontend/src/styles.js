import { css } from "lit";

// Only Home Assistant's theme variables (with fallbacks for a page without a theme),
// so the card follows light, dark and custom themes.
export const cardStyles = css`
  :host {
    --hm-healthy: var(--success-color, #43a047);
    --hm-warning: var(--warning-color, #ffa600);
    --hm-critical: var(--error-color, #db4437);
    --hm-unknown: var(--disabled-text-color, #9e9e9e);
    --hm-gap: 12px;
  }
  ha-card {
    padding: 16px;
    color: var(--primary-text-color);
    background: var(--ha-card-background, var(--card-background-color, #fff));
  }
  .header {
    display: flex;
    align-items: center;
    gap: var(--hm-gap);
    flex-wrap: wrap;
  }
  .title {
    flex: 1 1 auto;
    font-size: var(--ha-card-header-font-size, 1.4em);
    line-height: 1.3;
  }
  .score {
    display: flex;
    align-items: baseline;
    gap: 4px;
  }
  .score .value {
    font-size: 2.2em;
    font-weight: 500;
  }
  .score .label {
    color: var(--secondary-text-color);
  }
  .score.good .value {
    color: var(--hm-healthy);
  }
  .score.fair .value {
    color: var(--hm-warning);
  }
  .score.poor .value {
    color: var(--hm-critical);
  }
  h3 {
    margin: 16px 0 8px;
    font-size: 1em;
    font-weight: 500;
    color: var(--secondary-text-color);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .empty {
    color: var(--secondary-text-color);
  }
  .incident {
    border: 1px solid var(--divider-color, rgba(127, 127, 127, 0.3));
    border-left: 4px solid var(--hm-critical);
    border-radius: var(--ha-card-border-radius, 8px);
    padding: 10px 12px;
    margin-bottom: 10px;
  }
  .incident.minor,
  .incident.info {
    border-left-color: var(--hm-warning);
  }
  .incident .line {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
  }
  .incident .name {
    font-weight: 500;
    flex: 1 1 auto;
  }
  .incident .meta {
    color: var(--secondary-text-color);
    font-size: 0.9em;
    margin-top: 4px;
  }
  .chip {
    display: inline-block;
    border-radius: 10px;
    padding: 1px 8px;
    font-size: 0.8em;
    line-height: 1.6;
    color: var(--text-primary-color, #fff);
    background: var(--hm-unknown);
    white-space: nowrap;
  }
  .chip.emergency,
  .chip.critical,
  .chip.major {
    background: var(--hm-critical);
  }
  .chip.minor,
  .chip.info {
    background: var(--hm-warning);
  }
  .chip.acknowledged {
    background: var(--primary-color, #03a9f4);
  }
  .chip.maintenance,
  .chip.flapping,
  .chip.suppressed {
    background: var(--secondary-text-color);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 8px;
  }
  .actions input {
    flex: 1 1 160px;
    min-width: 0;
    padding: 6px 8px;
    font: inherit;
    color: var(--primary-text-color);
    background: var(--input-fill-color, var(--secondary-background-color, transparent));
    border: 1px solid var(--divider-color, rgba(127, 127, 127, 0.4));
    border-radius: 4px;
  }
  button {
    font: inherit;
    font-size: 0.9em;
    padding: 6px 12px;
    border-radius: 4px;
    border: 1px solid var(--primary-color, #03a9f4);
    color: var(--primary-color, #03a9f4);
    background: transparent;
    cursor: pointer;
  }
  button.primary {
    color: var(--text-primary-color, #fff);
    background: var(--primary-color, #03a9f4);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .error {
    color: var(--error-color, #db4437);
    margin-top: 6px;
    font-size: 0.9em;
  }
  .component {
    display: grid;
    grid-template-columns: 12px minmax(0, 1fr) auto;
    align-items: center;
    column-gap: 10px;
    padding: 6px 0;
    border-top: 1px solid var(--divider-color, rgba(127, 127, 127, 0.2));
    cursor: pointer;
  }
  .dot {
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--hm-unknown);
  }
  .dot.healthy {
    background: var(--hm-healthy);
  }
  .dot.warning {
    background: var(--hm-warning);
  }
  .dot.degraded,
  .dot.critical {
    background: var(--hm-critical);
  }
  .component .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .component .message {
    color: var(--secondary-text-color);
    font-size: 0.85em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .component .right {
    text-align: right;
    white-space: nowrap;
  }
  .component .status {
    font-size: 0.85em;
    color: var(--secondary-text-color);
  }
`;
