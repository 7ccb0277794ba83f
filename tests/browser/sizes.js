() => {
  const controls = [...document.querySelectorAll('main button, main input:not([type=hidden]), main a.btn, main summary, header button, header a.btn, header summary')]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
    .filter(el => el.tagName === 'SUMMARY' || !el.closest('details:not([open])'));  // a closed help panel shows its button only
  const small = controls.map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width < 64 || box.height < 64)
    .map(([el, box]) => (el.id || el.name || el.textContent.trim()).slice(0, 30) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height));
  const boxes = controls.map(el => el.getBoundingClientRect());
  const close = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const dx = Math.max(b.left - a.right, a.left - b.right), dy = Math.max(b.top - a.bottom, a.top - b.bottom);
    if (Math.max(dx, dy) < 15.5) close.push(controls[i].textContent.trim().slice(0, 20) + ' / ' + controls[j].textContent.trim().slice(0, 20) + ' ' + Math.round(Math.max(dx, dy)));
  }
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const background = el => { while (el) { const c = getComputedStyle(el).backgroundColor; if (c && !c.endsWith(', 0)') && c !== 'transparent') return c; el = el.parentElement; } return 'rgb(255, 255, 255)'; };
  const contrast = el => { const a = lum(getComputedStyle(el).color), b = lum(background(el)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const step = document.querySelector('.step-instruction');
  const primary = [...document.querySelectorAll('.btn-primary')].filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().height);
  return {
    small, close, primary,
    body: px(document.body),
    step: step ? px(step) : null, stepContrast: step ? contrast(step) : null,
    value: document.querySelector('.input-value') ? px(document.querySelector('.input-value')) : null,
    bodyContrast: contrast(document.querySelector('main')),
    scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth,
  };
}
