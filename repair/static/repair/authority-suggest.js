// Suggestions for the back office's authority filter: the field is a plain
// text input matched on the server; this fills its <datalist> as staff type.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) return;
  var list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var query = input.value.trim();
      if (query === last || query.length < 1) return;
      last = query;
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { authorities: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.authorities.map(function (name) {
            var option = document.createElement("option");
            option.value = name;
            return option;
          }));
        })
        .catch(function () { /* suggestions are optional; the filter works without them */ });
    }, 200);
  });
})();
