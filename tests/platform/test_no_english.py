"""Every menu page, rendered in each of our languages as a Manager and as a Front desk, shows
no English word outside the allow-list (translations/allowed_words.txt) and the data's words."""
import collections
import re


from tests.platform.english_words import database_words, english_vocabulary, english_words

LANGS = ("ru", "fr", "uk", "hy")
ROLES = ("Manager", "Front desk")
# English words still shown per language: none (issue 18 took it from 1368 per language to 0:
# FAB's strings extracted, one formatter for values, labelled empty choices, codes as labels).
# A new page showing English fails here; fix it at the cause, not by allow-listing the word.
BUDGET = {"ru": 0, "fr": 0, "uk": 0, "hy": 0}


def _pages(client, urls):
    """The menu pages, and for a list its add form and its first record's show page."""
    seen = set()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        seen.add(url)
        page = response.get_data(as_text=True)
        yield url, page
        if url.endswith("/list/"):
            base = url[: -len("list/")]
            extra = [base + "add"]
            show = re.search(r'href="(%sshow/\d+)' % re.escape(base), page)
            if show:
                extra.append(show.group(1))
            for link in extra:
                sub = client.get(link)
                if sub.status_code == 200 and "html" in sub.content_type and link not in seen:
                    seen.add(link)
                    yield link, sub.get_data(as_text=True)


def _menu_urls(client):
    def walk(items):
        for item in items:
            if isinstance(item, dict):
                if item.get("url"):
                    yield item["url"]
                yield from walk(item.get("childs") or [])

    return sorted(set(walk(client.get("/api/v1/menu/").get_json()["result"])))


def test_no_english_on_any_menu_page(app, db, login):
    from app.demo import load_demo

    load_demo()
    clients = {role: login(role) for role in ROLES}
    demo = database_words(db)
    found = collections.defaultdict(collections.Counter)
    for role, client in clients.items():
        urls = _menu_urls(client)
        assert len(urls) > 5, urls
        for lang in LANGS:
            vocabulary = english_vocabulary(lang)
            client.get(f"/lang/{lang}")
            for url, page in _pages(client, urls):
                for word in english_words(page, vocabulary, demo):
                    found[lang][(url, word)] += 1
    report = {lang: sum(found[lang].values()) for lang in LANGS}
    print("English words per language:", report)
    for lang in LANGS:
        by_word = collections.Counter()
        for (url, word), n in found[lang].items():
            by_word[word] += n
        print(lang, by_word.most_common(60))
        by_url = collections.Counter()
        for (url, word), n in found[lang].items():
            by_url[url] += n
        print(lang, "pages:", by_url.most_common(30))
    over = {lang: n for lang, n in report.items() if n > BUDGET[lang]}
    assert not over, {lang: sorted(found[lang])[:60] for lang in over}
