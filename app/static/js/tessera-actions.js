/* Behaviour that templates used to write inline (the CSP allows no inline handlers):
   [data-print] prints the page; select[data-autosubmit] submits its form on change. */
(function () {
  document.addEventListener('click', function (event) {
    var target = event.target.closest ? event.target.closest('[data-print]') : null;
    if (target) { event.preventDefault(); window.print(); }
  });
  document.addEventListener('change', function (event) {
    var target = event.target;
    if (target.matches && target.matches('select[data-autosubmit]') && target.form) {
      target.form.submit();
    }
  });
})();
