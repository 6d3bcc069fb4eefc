"""The reference point of the API benchmark: a bare FastAPI endpoint, same server."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, str]:
    return {"status": "ok"}
