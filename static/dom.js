/** The one DOM helper the page needs: build an element whose text goes in as textContent. */

/** el('p', 'class-name', 'text', child, ...): text and children are optional. */
export function el(tag, className, text, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null && text !== '') node.textContent = String(text);
  node.append(...children);
  return node;
}
