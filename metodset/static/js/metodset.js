// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-confirm ask before submitting (deactivations, cancellations).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

// People pickers: a person ticked among the search results moves to the chosen list, so the
// next search (which replaces the results) does not lose the choice. Without JavaScript the
// «Найти» button posts the form and the page comes back with the ticked people chosen.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) {
    return;
  }
  const item = box.closest("[data-pick-item]");
  const source = box.closest("[data-pick-source]");
  const target = source && document.querySelector(source.dataset.pickSource);
  if (!item || !target) {
    return;
  }
  const row = document.createElement("tr");
  const who = document.createElement("td");
  const lead = document.createElement("td");
  who.append(box.closest("label"));
  const radio = item.querySelector("input[type=radio]");
  if (radio) {
    lead.append(radio);
  }
  row.append(who, lead);
  target.append(row);
  item.remove();
});
