// Formulas in questions: $$…$$ and \[…\] as blocks, \(…\) inline, rendered by KaTeX
// (vendor/katex, included by testing/includes/katex.html). KaTeX builds its nodes through
// the DOM, so the Content-Security-Policy without inline styles holds. Without JavaScript
// the TeX source stays readable.
(() => {
  "use strict";

  const options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "select"],
    throwOnError: false,
  };

  function render(element) {
    if (element && typeof window.renderMathInElement === "function") {
      window.renderMathInElement(element, options);
    }
  }

  function start() {
    render(document.getElementById("main") || document.body);
    // Parts of pages replaced by HTMX (a question's preview) get their formulas too.
    document.body.addEventListener("htmx:afterSwap", (event) => render(event.target));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
