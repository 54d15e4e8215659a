"""Load on loopback for ``bench/load.py``: front-desk and manager users logged in (session
cookie for pages, JWT for the API) hitting the main pages and the client API. The target
(``LOAD_TARGET=tessera`` or ``bare``) only changes the paths: the same work on both apps."""
import os
import random

from locust import HttpUser, between, task

TARGET = os.environ.get("LOAD_TARGET", "tessera")
SIZE = int(os.environ.get("LOAD_CLIENTS", "1000"))
PATHS = {
    "tessera": dict(list="/client/list/", search="/client/list/?_flt_0_search_name=",
                    api="/api/v1/client/", user="bench"),
    "bare": dict(list="/bareclientview/list/", search="/bareclientview/list/?_flt_2_search_name=",
                 api="/api/v1/bareclient/", user="bare"),
}[TARGET]


class _Staff(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.client.post("/login/", data={"username": PATHS["user"], "password": "pw"})
        token = self.client.post("/api/v1/security/login", json={
            "username": PATHS["user"], "password": "pw", "provider": "db"}).json()["access_token"]
        self.api_headers = {"Authorization": f"Bearer {token}"}

    @task(3)
    def client_list(self):
        self.client.get(PATHS["list"], name="client list")

    @task(3)
    def search(self):
        word = random.choice(["dub", "smi", "ива", "bro"])
        self.client.get(PATHS["search"] + word, name="client search")

    @task(4)
    def api_list(self):
        self.client.get(PATHS["api"], headers=self.api_headers, name="client API list")


class FrontDesk(_Staff):
    weight = 3


class Manager(_Staff):
    weight = 1

    @task(2)
    def api_page(self):
        page = random.randint(0, max(0, SIZE // 25 - 1))
        self.client.get(f"{PATHS['api']}?q=(page:{page})", headers=self.api_headers,
                        name="client API page")
