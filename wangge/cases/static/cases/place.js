/* Place pickers of the report forms, as a progressive enhancement: without
   this script every drop-down simply lists everything and still works.

   A <select data-filter-by="id_a id_b"> keeps only the options under the place
   chosen in the first of those drop-downs that has a value. Area codes are
   prefixes of their descendants' codes, so "under" is "starts with"; an
   option's code is its data-code, or else its value.

   A [data-locate] button (shown only where the browser can locate) fills the
   hidden lat/lng fields; the server finds the grid from them. */
(function () {
  "use strict";

  function codeOf(option) {
    return option.dataset.code || option.value;
  }

  function narrow(select, all) {
    var parents = select.dataset.filterBy.split(/\s+/).map(function (id) { return document.getElementById(id); });
    var chosen = parents.filter(function (p) { return p && p.value; })[0];
    var prefix = chosen ? chosen.value : "";
    var current = select.value;
    var keep = function (option) { return !option.value || codeOf(option).indexOf(prefix) === 0; };
    select.replaceChildren();
    all.forEach(function (node) {
      if (node.tagName === "OPTGROUP") {
        var group = node.cloneNode(false);
        Array.prototype.forEach.call(node.children, function (option) {
          if (keep(option)) { group.appendChild(option.cloneNode(true)); }
        });
        if (group.children.length) { select.appendChild(group); }
      } else if (keep(node)) {
        select.appendChild(node.cloneNode(true));
      }
    });
    select.value = current;
    if (select.value !== current) {
      select.value = "";
      select.dispatchEvent(new Event("change"));
    }
  }

  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var all = Array.prototype.map.call(select.children, function (node) { return node.cloneNode(true); });
    select.dataset.filterBy.split(/\s+/).forEach(function (id) {
      var parent = document.getElementById(id);
      if (parent) { parent.addEventListener("change", function () { narrow(select, all); }); }
    });
    narrow(select, all);
  });

  var locate = document.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    var status = document.querySelector("[data-locate-status]");
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = locate.dataset.msgWait;
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("id_lat").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_lng").value = position.coords.longitude.toFixed(6);
        status.textContent = locate.dataset.msgOk;
      }, function () {
        status.textContent = locate.dataset.msgFail;
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }
})();
