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

/* Date fields (FAB's date picker, format yyyy-mm-dd): a date pasted, typed or autofilled the
   local way (31.12.2015, 31/12/2015, 31-12-2015) becomes 2015-12-31 before the picker parses
   it, so a pasted birth date is kept rather than emptied or garbled (issue 19). */
(function () {
  var LOCAL = /^\s*(\d{1,2})[.\/-](\d{1,2})[.\/-](\d{4})\s*$/;
  var ISO = /^\s*(\d{4})[.\/-](\d{1,2})[.\/-](\d{1,2})\s*$/;
  function pad(n) { return (n.length < 2 ? '0' : '') + n; }
  function toIso(text) {
    var m = ISO.exec(text || '');
    if (m) { return m[1] + '-' + pad(m[2]) + '-' + pad(m[3]); }
    m = LOCAL.exec(text || '');
    if (m) { return m[3] + '-' + pad(m[2]) + '-' + pad(m[1]); }
    return null;
  }
  function isDateInput(el) {
    return el && el.tagName === 'INPUT' && el.closest && el.closest('.appbuilder_date');
  }
  function setIso(input, iso) {
    input.value = iso;
    var $ = window.jQuery;
    if ($ && $.fn && $.fn.datepicker) {
      $(input.closest('.appbuilder_date')).datepicker('update', iso);
    }
  }
  document.addEventListener('paste', function (event) {
    var input = event.target;
    if (!isDateInput(input) || !event.clipboardData) { return; }
    var iso = toIso(event.clipboardData.getData('text/plain'));
    if (!iso) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    setIso(input, iso);
  }, true);
  ['input', 'change', 'blur'].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var input = event.target;
      if (!isDateInput(input)) { return; }
      var iso = toIso(input.value);
      if (iso && iso !== input.value) { setIso(input, iso); }
    }, true);
  });
})();

/* On-demand search filters (views/platform/search_choices.py): a select.tessera-choices asks
   its data-choices-url for the choices matching what is typed, page by page, when opened. FAB's
   "Add Filter" script inserts the picker into the filter table; it is set up when it appears. */
(function ($) {
  if (!$ || !$.fn || !$.fn.select2) { return; }
  var meta = document.querySelector('meta[name="tessera-choices"]');
  var text = meta ? JSON.parse(meta.content) : {};
  var language = {  // Select2's own messages are English only: the page's translations
    noResults: function () { return text.none; },
    searching: function () { return text.searching; },
    loadingMore: function () { return text.more; },
    errorLoading: function () { return text.error; },
    inputTooShort: function (args) { return text.short.replace('{n}', args.minimum); }
  };
  function setUp(root) {
    $(root).find('select.tessera-choices').addBack('select.tessera-choices').each(function () {
      var $select = $(this);
      if ($select.hasClass('select2-hidden-accessible')) { return; }
      $select.select2({
        theme: 'bootstrap',
        width: $select.data('width') || '100%',
        allowClear: true,
        placeholder: $select.data('placeholder') || '',
        minimumInputLength: $select.data('minimum-input') || 0,
        language: meta ? language : undefined,
        ajax: {
          url: $select.data('choices-url'),
          dataType: 'json',
          delay: 200,
          data: function (params) { return {q: params.term || '', page: params.page || 1}; }
        }
      });
    });
  }
  $(function () {
    setUp(document);
    var filters = document.querySelector('#filter_form .filters');
    if (filters && window.MutationObserver) {
      new MutationObserver(function (records) {
        records.forEach(function (record) {
          record.addedNodes.forEach(function (node) { if (node.nodeType === 1) { setUp(node); } });
        });
      }).observe(filters, {childList: true, subtree: true});
    }
  });
})(window.jQuery);
