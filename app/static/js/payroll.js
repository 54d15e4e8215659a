/* Start a background job from a button and follow it: progress bar, then a download link. */
(function () {
  function csrfToken(el) {
    var holder = el.closest('[data-csrf]');
    return holder ? holder.getAttribute('data-csrf') : '';
  }

  function follow(starter, statusUrl) {
    var bar = starter.querySelector('.progress-bar');
    fetch(statusUrl, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (info) {
        var percent = info.progress || 0;
        bar.style.width = percent + '%';
        bar.textContent = percent + '%';
        if (info.status === 'finished' && info.result_url) {
          starter.querySelector('.job-progress').style.display = 'none';
          var link = starter.querySelector('.job-download');
          link.href = info.result_url;
          link.style.display = '';
        } else if (info.status === 'failed' || info.status === 'stopped' || info.status === 'canceled') {
          starter.querySelector('.job-progress').style.display = 'none';
          starter.querySelector('.job-error').style.display = '';
          starter.querySelector('.job-start').disabled = false;
        } else {
          setTimeout(function () { follow(starter, statusUrl); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { follow(starter, statusUrl); }, 3000); });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('.job-start');
    if (!button) { return; }
    var starter = button.closest('.job-starter');
    button.disabled = true;
    starter.querySelector('.job-download').style.display = 'none';
    starter.querySelector('.job-error').style.display = 'none';
    starter.querySelector('.job-progress').style.display = '';
    fetch(starter.getAttribute('data-job-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'X-CSRFToken': csrfToken(starter), 'Accept': 'application/json'}
    })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (job) { follow(starter, job.status_url); })
      .catch(function () {
        starter.querySelector('.job-progress').style.display = 'none';
        starter.querySelector('.job-error').style.display = '';
        button.disabled = false;
      });
  });
})();
