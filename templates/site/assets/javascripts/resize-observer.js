/*!
 * asipack: a browser without ResizeObserver (Chrome before 64, old Android WebViews) gets the
 * polyfill from this site. Material's bundle would fetch it from a CDN, which an offline copy
 * cannot reach and a family's data plan pays for.
 */
if (typeof ResizeObserver === "undefined") {
  document.write('<script src="' + document.currentScript.src.replace(/[^\/]*$/, "resize-observer-polyfill.js") + '"><\/script>')
}
