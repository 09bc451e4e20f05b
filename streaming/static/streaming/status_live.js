// The streaming status page's figures every 2 s (docs/operations.md, the admin): GET /api/live/status
// streams them (Server-Sent Events; the admin's session cookie signs it in) and each cell marked
// data-stream / data-consumer + data-field takes its new value. EventSource reconnects by itself.
(function () {
  'use strict';
  if (typeof EventSource === 'undefined') return;
  var said = document.getElementById('status-live');
  var format = function (value) {
    return typeof value === 'number' ? value.toLocaleString('en-US') : value == null ? '' : String(value);
  };
  var fill = function (attribute, name, values) {
    document.querySelectorAll('[' + attribute + ']').forEach(function (cell) {
      if (cell.getAttribute(attribute) !== name) return;
      var field = cell.getAttribute('data-field');
      if (field in values) cell.textContent = format(values[field]);
    });
  };
  var source = new EventSource('/api/live/status');
  source.addEventListener('status', function (event) {
    var figures = JSON.parse(event.data);
    if (figures.error) {
      if (said) said.textContent = 'NATS cannot be read now: ' + figures.error;
      return;
    }
    (figures.streams || []).forEach(function (stream) { fill('data-stream', stream.name, stream); });
    (figures.consumers || []).forEach(function (consumer) { fill('data-consumer', consumer.durable, consumer); });
    if (said) said.textContent = 'updated ' + new Date().toLocaleTimeString();
  });
  source.onerror = function () {
    if (said) said.textContent = 'reconnecting…';
  };
})();
