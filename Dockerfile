FROM python:3.11-slim
# Pango and fonts for the PDF reports (WeasyPrint)
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph graph
COPY ingest ingest
COPY service service
COPY viz viz
RUN pip install --no-cache-dir .
RUN useradd --create-home maillage
USER maillage
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"
CMD ["maillage", "serve", "--host", "0.0.0.0", "--port", "8000"]
