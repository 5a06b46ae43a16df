// Applies the saved (or preferred) theme before first paint, to avoid a flash: a classic script
// that index.html loads in <head>, a file rather than inline so that the UI's
// Content-Security-Policy (script-src 'self', src/goclaw/api/http/ui_files.h) can refuse every
// inline script.
(function () {
  try {
    var t = localStorage.getItem('goclaw.theme');
    if (t !== 'light' && t !== 'dark') {
      t = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    }
    document.documentElement.setAttribute('data-theme', t);
  } catch (e) {
    document.documentElement.setAttribute('data-theme', 'light');
  }
})();
