FROM python:3.11-slim
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
CMD ["maillage", "serve", "--host", "0.0.0.0", "--port", "8000"]
