// Every step fits: what the step needs can be reached on the page as it is, at this viewport.
//
// Measured: each visible control of #step-work (scan field and its button, every result's value,
// gauge, Record, Pass and Fail, the countersignature fields, the sign-off button) and each line of
// "Still needed". An item is REACHABLE when both hold:
//   1. no inner panel: no ancestor of it, up to <body>, is a box whose overflow is not `visible`
//      and whose content is taller than its box (scrollHeight > clientHeight + 1): nothing the
//      step needs sits in a panel that has to be scrolled on its own, or is clipped by one;
//   2. in view by the page's own scroll: at some scroll position of the page (every quarter of the
//      viewport from the top to the bottom, and both ends), its whole box lies inside the viewport
//      and the element the browser finds at its centre and at points 3 px inside each corner is
//      the item itself (or inside it, or its label) -- so not under the pinned sign-off bar, the
//      station bar or anything else.
// Also measured: every control's box is at least 64 x 64 px, the step text (instruction) is at
// least 28 px, and the page never scrolls sideways.
() => {
  const work = document.getElementById('step-work');
  if (!work) { return { error: 'no #step-work on this page' }; }
  const visible = el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden';
  const controls = [...work.querySelectorAll('input:not([type=hidden]), button, a.btn, select, textarea, summary')]
    .filter(visible).filter(el => !el.closest('details:not([open])') || el.tagName === 'SUMMARY');
  const needed = [...work.querySelectorAll('#still-needed li')].filter(visible);
  const name = el => (el.id || el.name || el.getAttribute('data-code') || el.textContent.trim()).slice(0, 40);

  const innerPanel = el => {
    for (let box = el.parentElement; box && box !== document.body && box !== document.documentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      const clips = style.overflowY !== 'visible' || style.overflowX !== 'visible';
      if (clips && box.scrollHeight > box.clientHeight + 1) { return box.id || box.className || box.tagName; }
    }
    return null;
  };
  const owns = (el, top) => top !== null && (top === el || el.contains(top) || top.control === el || (top.tagName === 'LABEL' && top.control === el));
  const inViewUncovered = el => {
    const b = el.getBoundingClientRect();
    if (b.top < 0 || b.left < 0 || b.bottom > innerHeight || b.right > innerWidth) { return false; }
    const points = [
      [b.left + b.width / 2, b.top + b.height / 2],
      [b.left + 3, b.top + 3], [b.right - 3, b.top + 3], [b.left + 3, b.bottom - 3], [b.right - 3, b.bottom - 3],
    ];
    return points.every(([x, y]) => owns(el, document.elementFromPoint(x, y)));
  };
  const scroller = document.scrollingElement;
  const maxY = Math.max(0, scroller.scrollHeight - innerHeight);
  const positions = [];
  for (let y = 0; y < maxY; y += innerHeight / 4) { positions.push(Math.round(y)); }
  positions.push(maxY);
  const items = controls.concat(needed);
  const seen = new Set();
  for (const y of positions) {
    window.scrollTo(0, y);
    items.forEach((el, index) => { if (!seen.has(index) && inViewUncovered(el)) { seen.add(index); } });
  }
  window.scrollTo(0, 0);
  const unreachable = items.filter((el, index) => !seen.has(index)).map(name);
  const inPanels = items.map(el => [el, innerPanel(el)]).filter(([, panel]) => panel).map(([el, panel]) => name(el) + ' in ' + panel);
  const small = controls.map(el => [el, el.getBoundingClientRect()]).filter(([, b]) => b.width < 64 || b.height < 64)
    .map(([el, b]) => name(el) + ' ' + Math.round(b.width) + 'x' + Math.round(b.height));
  const instruction = document.querySelector('.step-instruction');
  return {
    controls: controls.map(name), needed: needed.length,
    unreachable, inPanels, small,
    signOff: !!work.querySelector('#sign-off-form button'),
    step: instruction ? parseFloat(getComputedStyle(instruction).fontSize) : null,
    instructionShown: instruction ? instruction.getBoundingClientRect().height > 30 : false,
    sideways: scroller.scrollWidth > innerWidth,
  };
}
