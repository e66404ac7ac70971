// Taking a test. Every change of an answer is saved at once (fetch, JSON) with a visible
// status; a save that fails stays queued (the latest answer per question, never dropped)
// and is sent again with a growing pause, and at once when the connection comes back. The
// timer counts down from the server's seconds and finishes the test at zero. Without this
// script the same form posts to the same endpoint («Сохранить и дальше»), and the server
// finishes attempts whose time ran out.
(() => {
  "use strict";

  const root = document.querySelector("[data-attempt]");
  const form = document.getElementById("attempt-form");
  if (!root || !form) {
    return;
  }
  const question = form.querySelector("[data-question]");
  const type = question ? question.dataset.type : "description";
  const statusLine = form.querySelector("[data-status]");
  const flagBox = form.querySelector("[data-flag]");
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const position = Number(root.dataset.position);
  const answerUrl = root.dataset.answerUrl;
  const pageUrl = root.dataset.pageUrl;
  const submitUrl = root.dataset.submitUrl;

  const TYPE_PAUSE = 700; // ms after the last key before a typed answer is sent
  const FIRST_RETRY = 1000;
  const LAST_RETRY = 30000;

  // --- Status line ------------------------------------------------------------------------

  function clock(date) {
    return date.toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function setStatus(text, state) {
    if (!statusLine) {
      return;
    }
    statusLine.textContent = text;
    statusLine.classList.toggle("is-saved", state === "saved");
    statusLine.classList.toggle("is-failed", state === "failed");
  }

  // --- The queue --------------------------------------------------------------------------

  // key ("response" or "flag") → the latest payload not yet acknowledged by the server.
  const pending = new Map();
  let sending = false;
  let finished = false;
  let retryPause = 0;
  let retryTimer = null;
  let typingTimer = null;

  function queue(key, payload, { now = true } = {}) {
    pending.set(key, payload);
    if (now) {
      clearTimeout(typingTimer);
      setStatus("Сохраняем…", "saving");
      send();
    } else {
      setStatus("Есть несохранённые изменения…", "saving");
      clearTimeout(typingTimer);
      typingTimer = setTimeout(send, TYPE_PAUSE);
    }
  }

  async function send() {
    if (sending || finished || pending.size === 0) {
      return;
    }
    clearTimeout(retryTimer);
    retryTimer = null;
    const [key, payload] = pending.entries().next().value;
    sending = true;
    let status = 0;
    let data = {};
    try {
      const response = await fetch(answerUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken,
        },
        body: JSON.stringify(payload),
      });
      status = response.status;
      try {
        data = await response.json();
      } catch {
        data = {};
      }
    } catch {
      status = 0; // no connection
    }
    sending = false;
    handle(key, payload, status, data);
  }

  function handle(key, payload, status, data) {
    if (status === 200) {
      if (pending.get(key) === payload) {
        pending.delete(key);
      }
      retryPause = 0;
      if (typeof data.seconds_left === "number") {
        timer.sync(data.seconds_left);
      }
      if (key === "response") {
        showAnswered(hasAnswer(payload.response));
      } else {
        showFlagged(payload.flagged);
      }
      if (pending.size === 0) {
        setStatus(`Сохранено ${clock(data.saved_at ? new Date(data.saved_at) : new Date())}`, "saved");
      }
      send();
      return;
    }
    if (status === 409) {
      // The test is finished (the time is up): nothing more can be saved; show the result.
      finished = true;
      pending.clear();
      setStatus(data.detail || "Тест завершён.", "failed");
      window.location.assign(data.url || pageUrl);
      return;
    }
    if (status === 400 || status === 404) {
      // The server will never take this answer: say why instead of sending it forever.
      if (pending.get(key) === payload) {
        pending.delete(key);
      }
      setStatus(`Не сохранено: ${data.detail || "ответ не принят."}`, "failed");
      send();
      return;
    }
    // No connection, a restarting server, an expired session: keep it, try again later.
    retryPause = retryPause ? Math.min(retryPause * 2, LAST_RETRY) : FIRST_RETRY;
    setStatus(
      status === 403
        ? "Не сохранено — войдите снова в другой вкладке, повторим"
        : "Не сохранено — нет связи, повторим",
      "failed",
    );
    retryTimer = setTimeout(send, retryPause);
  }

  // Resolves true when everything is saved, false if it is not within `limit` ms.
  function flush(limit) {
    clearTimeout(typingTimer);
    retryPause = 0;
    send();
    const started = Date.now();
    return new Promise((resolve) => {
      (function check() {
        if (pending.size === 0 && !sending) {
          resolve(true);
        } else if (finished || Date.now() - started > limit) {
          resolve(pending.size === 0);
        } else {
          setTimeout(check, 150);
        }
      })();
    });
  }

  window.addEventListener("online", () => {
    retryPause = 0;
    send();
  });

  window.addEventListener("beforeunload", (event) => {
    if (!finished && (pending.size > 0 || sending)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- Reading the answer from the controls (ORIGINAL indices, as the server expects) ------

  function collect() {
    const q = question;
    const checked = (name) => q.querySelector(`input[name="${name}"]:checked`);
    switch (type) {
      case "single_choice": {
        const box = checked("choice");
        return { choice: box ? Number(box.value) : null };
      }
      case "multiple_choice":
        return {
          choices: Array.from(q.querySelectorAll('input[name="choices"]:checked'), (box) => Number(box.value)),
        };
      case "true_false": {
        const box = checked("value");
        return { value: box ? box.value === "1" : null };
      }
      case "short_answer":
      case "numerical":
      case "essay":
        return { text: q.querySelector('[name="text"]').value };
      case "matching": {
        const pairs = {};
        q.querySelectorAll('select[name^="pair-"]').forEach((select) => {
          if (select.value) {
            pairs[select.name.slice("pair-".length)] = select.value;
          }
        });
        return { pairs };
      }
      case "ordering":
        return { order: Array.from(q.querySelectorAll("[data-order-item]"), (item) => Number(item.dataset.index)) };
      case "cloze": {
        const parts = {};
        q.querySelectorAll('[name^="part-"]').forEach((control) => {
          const number = control.name.slice("part-".length);
          if (control.type === "radio") {
            if (control.checked) {
              parts[number] = Number(control.value);
            }
          } else if (control.tagName === "SELECT") {
            if (control.value !== "") {
              parts[number] = Number(control.value);
            }
          } else if (control.value.trim() !== "") {
            parts[number] = control.value;
          }
        });
        q.querySelectorAll('[name^="parts-"]').forEach((box) => {
          const number = box.name.slice("parts-".length);
          if (box.checked) {
            (parts[number] = parts[number] || []).push(Number(box.value));
          }
        });
        return { parts };
      }
      default:
        return null;
    }
  }

  function hasAnswer(value) {
    if (value === null || value === undefined) {
      return false;
    }
    if (typeof value === "string") {
      return value.trim() !== "";
    }
    if (Array.isArray(value)) {
      return value.length > 0;
    }
    if (typeof value === "object") {
      return Object.values(value).some(hasAnswer);
    }
    return true;
  }

  function saveAnswer(now = true) {
    queue("response", { position, response: collect() }, { now });
  }

  // --- The navigation panel -----------------------------------------------------------------

  const navButton = root.querySelector(`[data-nav-position="${position}"]`);

  function hiddenText(text) {
    const span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  function showAnswered(answered) {
    if (!navButton) {
      return;
    }
    navButton.classList.toggle("is-answered", answered);
    const state = navButton.querySelector("[data-nav-state]");
    const sign = document.createElement(answered ? "i" : "span");
    if (answered) {
      sign.className = "bi bi-check-lg";
    } else {
      sign.textContent = "—";
    }
    sign.setAttribute("aria-hidden", "true");
    state.replaceChildren(sign, hiddenText(answered ? "отвечен" : "нет ответа"));
    const count = root.querySelector("[data-answered-count]");
    if (count) {
      count.textContent = String(root.querySelectorAll(".attempt-nav-button.is-answered").length);
    }
  }

  function showFlagged(flagged) {
    if (!navButton) {
      return;
    }
    navButton.classList.toggle("is-flagged", flagged);
    const flag = navButton.querySelector("[data-nav-flag]");
    if (flag) {
      flag.hidden = !flagged;
    }
  }

  const nav = root.querySelector("[data-nav]");
  if (nav && window.matchMedia("(min-width: 992px)").matches) {
    nav.open = true;
  }

  // --- Ordering: «вверх» / «вниз» buttons (keyboard friendly), the selects stay for no-JS ----

  function setUpOrdering() {
    const list = question.querySelector("[data-order-list]");
    if (!list) {
      return;
    }
    const announcer = question.querySelector("[data-order-announce]");
    question.querySelectorAll("[data-order-select]").forEach((select) => {
      select.hidden = true;
    });
    question.querySelectorAll("[data-move]").forEach((button) => {
      button.hidden = false;
    });
    question.querySelectorAll("[data-order-hint-nojs]").forEach((hint) => {
      hint.hidden = true;
    });
    question.querySelectorAll("[data-order-hint-js]").forEach((hint) => {
      hint.hidden = false;
    });
    const keep = question.querySelector("[data-order-save]");
    if (keep) {
      keep.hidden = false;
      keep.addEventListener("click", () => {
        keep.hidden = true;
        saveAnswer();
      });
    }

    function renumber() {
      const items = Array.from(list.children);
      items.forEach((item, place) => {
        item.querySelector("[data-order-place]").textContent = String(place + 1);
        const select = item.querySelector("[data-order-select]");
        if (select) {
          select.value = String(place + 1);
        }
        // aria-disabled, not disabled: a disabled button would lose the keyboard focus.
        item.querySelector('[data-move="up"]').setAttribute("aria-disabled", String(place === 0));
        item.querySelector('[data-move="down"]').setAttribute("aria-disabled", String(place === items.length - 1));
      });
    }

    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button || button.getAttribute("aria-disabled") === "true") {
        return;
      }
      const item = button.closest("[data-order-item]");
      const up = button.dataset.move === "up";
      const neighbour = up ? item.previousElementSibling : item.nextElementSibling;
      if (!neighbour) {
        return;
      }
      if (up) {
        list.insertBefore(item, neighbour);
      } else {
        list.insertBefore(neighbour, item);
      }
      renumber();
      list.querySelectorAll(".is-moved").forEach((moved) => moved.classList.remove("is-moved"));
      item.classList.add("is-moved");
      button.focus();
      if (announcer) {
        const place = Array.prototype.indexOf.call(list.children, item) + 1;
        announcer.textContent = `«${item.dataset.label}» — на месте ${place}`;
      }
      if (keep) {
        keep.hidden = true;
      }
      saveAnswer();
    });
    renumber();
  }

  // --- Wiring -----------------------------------------------------------------------------------

  if (question && type !== "description") {
    question.addEventListener("change", (event) => {
      if (event.target.matches("[data-order-select]")) {
        return;
      }
      saveAnswer();
    });
    question.addEventListener("input", (event) => {
      if (event.target.matches('input[type="text"], textarea')) {
        saveAnswer(false);
      }
    });
    if (type === "ordering") {
      setUpOrdering();
    }
  }

  if (flagBox) {
    flagBox.addEventListener("change", () => queue("flag", { position, flagged: flagBox.checked }));
  }

  // With the answers already saved, «Дальше» just moves on (no form post).
  form.querySelectorAll("[data-js-label]").forEach((button) => {
    const icon = button.querySelector("i");
    button.textContent = `${button.dataset.jsLabel} `;
    if (icon) {
      button.append(icon);
    }
  });

  let lastSubmitter = null;
  form.addEventListener("click", (event) => {
    const button = event.target.closest('button[type="submit"]');
    if (button) {
      lastSubmitter = button;
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitter = event.submitter || lastSubmitter || form.querySelector('button[type="submit"]');
    const go = submitter ? submitter.value : String(position);
    if (pending.size > 0 || sending) {
      setStatus("Сохраняем…", "saving");
    }
    const saved = await flush(8000);
    if (finished) {
      return;
    }
    if (!saved) {
      setStatus("Не сохранено — нет связи. Ответ не потерян: повторим, потом можно идти дальше.", "failed");
      return;
    }
    window.location.assign(go === "finish" ? submitUrl : `${pageUrl}?n=${encodeURIComponent(go)}`);
  });

  // --- The timer ------------------------------------------------------------------------------

  const timer = (() => {
    const box = root.querySelector("[data-timer]");
    const text = root.querySelector("[data-timer-text]");
    const alertLine = root.querySelector("[data-timer-alert]");
    let end = Date.now() + Number(root.dataset.secondsLeft || 0) * 1000;
    const left = () => Math.max(0, Math.round((end - Date.now()) / 1000));
    let warnedFive = left() <= 300;
    let warnedOne = left() <= 60;
    let over = false;

    function format(seconds) {
      const hours = Math.floor(seconds / 3600);
      const minutes = Math.floor((seconds % 3600) / 60);
      const rest = String(seconds % 60).padStart(2, "0");
      return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
    }

    function tick() {
      const seconds = left();
      if (text) {
        text.textContent = format(seconds);
      }
      if (box) {
        box.classList.toggle("is-short", seconds > 0 && seconds <= 300);
        box.classList.toggle("is-over", seconds === 0);
      }
      if (alertLine && !warnedFive && seconds <= 300) {
        warnedFive = true;
        alertLine.textContent = "Осталось 5 минут.";
      }
      if (alertLine && !warnedOne && seconds <= 60) {
        warnedOne = true;
        alertLine.textContent = "Осталась 1 минута.";
      }
      if (seconds === 0 && !over) {
        over = true;
        timeUp();
      }
    }

    setInterval(tick, 1000);
    // Started after the rest of the script: timeUp() uses the queue defined above.
    setTimeout(tick, 0);
    return {
      sync(seconds) {
        end = Date.now() + seconds * 1000;
      },
    };
  })();

  async function timeUp() {
    if (finished) {
      return;
    }
    setStatus("Время вышло: завершаем тест…", "saving");
    // What is queued still counts if it reaches the server within its grace period.
    await flush(5000);
    finished = true;
    pending.clear();
    const finishForm = document.getElementById("attempt-timeout");
    if (finishForm) {
      finishForm.submit();
    } else {
      window.location.assign(pageUrl);
    }
  }
})();
