() => {
  const controls = [...document.querySelectorAll('main button, main input:not([type=hidden]), main a.btn, main summary, header button, header a.btn, header summary')]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
    .filter(el => el.tagName === 'SUMMARY' || !el.closest('details:not([open])'));  // a closed help panel shows its button only
  const small = controls.map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width < 64 || box.height < 64)
    .map(([el, box]) => (el.id || el.name || el.textContent.trim()).slice(0, 30) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height));
  // Spacing is measured between controls a finger can reach: one scrolled under another part of the
  // screen (a column's sticky sign-off bar) is not there to be tapped.
  const reachable = el => {
    const b = el.getBoundingClientRect(), x = b.left + b.width / 2, y = b.top + b.height / 2;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (!/(auto|scroll)/.test(getComputedStyle(box).overflowY)) continue;
      const c = box.getBoundingClientRect();  // scrolled out of its own column: not there to be tapped now
      if (b.bottom <= c.top || b.top >= c.bottom) return false;
      break;
    }
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;
    const top = document.elementFromPoint(x, y);
    return top !== null && (top === el || el.contains(top) || top.contains(el) || (top.control === el));
  };
  const spaced = controls.filter(reachable);
  // ... and only the part of it in view: a control half under the sticky bar is measured from its visible edge.
  const hits = (el, x, y) => { const top = document.elementFromPoint(x, y); return top !== null && (top === el || el.contains(top) || top.control === el); };
  const visibleBox = el => {
    const b = el.getBoundingClientRect(), x = b.left + b.width / 2;
    if (b.top < 0 || b.bottom > innerHeight) return b;
    let bottom = b.bottom - 1, top = b.top + 1;
    while (bottom > b.top + b.height / 2 && !hits(el, x, bottom)) bottom -= 2;
    while (top < b.top + b.height / 2 && !hits(el, x, top)) top += 2;
    return { left: b.left, right: b.right, top: top - 1, bottom: bottom + 1 };
  };
  const boxes = spaced.map(visibleBox);
  const close = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const dx = Math.max(b.left - a.right, a.left - b.right), dy = Math.max(b.top - a.bottom, a.top - b.bottom);
    if (Math.max(dx, dy) < 15.5) close.push(spaced[i].textContent.trim().slice(0, 20) + ' / ' + spaced[j].textContent.trim().slice(0, 20) + ' ' + Math.round(Math.max(dx, dy)));
  }
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = el => { while (el) { const c = getComputedStyle(el).backgroundColor; if (c && !c.endsWith(', 0)') && c !== 'transparent') return c; el = el.parentElement; } return 'rgb(255, 255, 255)'; };
  const contrast = el => { const a = lum(getComputedStyle(el).color), b = lum(background(el)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const step = document.querySelector('.step-instruction');
  const primary = [...document.querySelectorAll('.btn-primary')].filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().height);
  // A text field is one line: a flex-basis in a column layout once made them hundreds of pixels tall.
  const tall = [...document.querySelectorAll('main input:not([type=hidden]), main select')]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height > 100)
    .map(el => (el.id || el.name) + ' ' + Math.round(el.getBoundingClientRect().height));
  return {
    small, close, primary, tall,
    body: px(document.body),
    step: step ? px(step) : null, stepContrast: step ? contrast(step) : null,
    value: document.querySelector('.input-value') ? px(document.querySelector('.input-value')) : null,
    bodyContrast: contrast(document.querySelector('main')),
    scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
  };
}
