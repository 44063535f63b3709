/**
 * The agents a customer may choose, as the server names them (`GET /api/agents`: name,
 * Russian title, whether only staff may ask): the choice in the composer is built from
 * it, and the titles label each agent's bubble. The page itself names no agent.
 */

import {el} from './dom.js';

/** Fill `select` (after its «Автоматически») with the server's agents; their titles by name. */
export async function loadAgents(select) {
  const response = await fetch('/api/agents', {cache: 'no-store'});
  if (!response.ok) throw new Error(`agents ${response.status}`);
  const agents = await response.json();
  const chosen = select.value;
  for (const option of select.querySelectorAll('option:not([value=""])')) option.remove();
  for (const {name, title, staff_only: staffOnly} of agents) {
    const option = el('option', '', staffOnly ? `${title} (для сотрудников)` : title);
    option.value = name;
    if (staffOnly) option.dataset.staffOnly = '';
    select.append(option);
  }
  select.value = agents.some(({name}) => name === chosen) ? chosen : '';
  return new Map(agents.map(({name, title}) => [name, title]));
}
