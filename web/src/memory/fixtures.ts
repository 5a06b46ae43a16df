// Memory JSON as a real `goclaw server` answered (session agent:ada with English and Chinese
// items, agent:bob with one), for the tests.
import type { MemoryHit, MemoryPage, MemorySessions, MemoryStats } from '../api/types';

export const memorySessions: MemorySessions = {
  "sessions": [
    {
      "session_id": "agent:ada",
      "entries": 4
    },
    {
      "session_id": "agent:bob",
      "entries": 1
    }
  ],
  "session_count": 2,
  "total_entries": 5
};

export const adaStats: MemoryStats = {
  "session_id": "agent:ada",
  "total_entries": 4,
  "average_strength": 1.0,
  "average_retrievability": 1.0,
  "weak_entries": 0,
  "vectors": 4,
  "dimensions": 384,
  "vector_index": "exact",
  "terms": 54,
  "bytes": 24013,
  "states": {
    "new": 0,
    "learning": 0,
    "review": 4,
    "relearning": 0
  }
};

export const adaItems: MemoryPage = {
  "entries": [
    {
      "id": "mem-01a2399d-8707-7000-985e-1d4b34335231",
      "session_id": "agent:ada",
      "content": "The staging database deploys every Tuesday at 10:00 UTC",
      "metadata": {
        "topic": "deploy"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    },
    {
      "id": "mem-01a2399d-8707-7001-89c5-2d527a6d250a",
      "session_id": "agent:ada",
      "content": "Ada prefers short answers with code samples",
      "metadata": {
        "topic": "prefs"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "chat",
        "trust": "high"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    },
    {
      "id": "mem-01a2399d-8707-7002-adda-7475e67156e6",
      "session_id": "agent:ada",
      "content": "暂存数据库每周二上午十点部署",
      "metadata": {
        "lang": "zh",
        "topic": "deploy"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.1043314,
      "state": "review",
      "reps": 3,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:56.382Z",
      "due": "2026-12-06T01:55:56.382Z"
    },
    {
      "id": "mem-01a2399d-8708-7000-8c48-70f8e383bf1e",
      "session_id": "agent:ada",
      "content": "生产环境的发布需要两位审批人",
      "metadata": {},
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    }
  ],
  "total": 4,
  "limit": 20,
  "offset": 0
};

export const adaHits: MemoryHit[] = [
  {
    "entry": {
      "id": "mem-01a2399d-8707-7000-985e-1d4b34335231",
      "session_id": "agent:ada",
      "content": "The staging database deploys every Tuesday at 10:00 UTC",
      "metadata": {
        "topic": "deploy"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    },
    "score": 0.016393442622950817,
    "bm25_rank": 1,
    "vector_rank": 1
  },
  {
    "entry": {
      "id": "mem-01a2399d-8707-7002-adda-7475e67156e6",
      "session_id": "agent:ada",
      "content": "暂存数据库每周二上午十点部署",
      "metadata": {
        "lang": "zh",
        "topic": "deploy"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.1043314,
      "state": "review",
      "reps": 3,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:56.382Z",
      "due": "2026-12-06T01:55:56.382Z"
    },
    "score": 0.01129032258064516,
    "vector_rank": 2
  },
  {
    "entry": {
      "id": "mem-01a2399d-8707-7001-89c5-2d527a6d250a",
      "session_id": "agent:ada",
      "content": "Ada prefers short answers with code samples",
      "metadata": {
        "topic": "prefs"
      },
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "chat",
        "trust": "high"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    },
    "score": 0.01111111111111111,
    "vector_rank": 3
  },
  {
    "entry": {
      "id": "mem-01a2399d-8708-7000-8c48-70f8e383bf1e",
      "session_id": "agent:ada",
      "content": "生产环境的发布需要两位审批人",
      "metadata": {},
      "provenance": {
        "workflow_id": "",
        "task_id": "",
        "source": "api",
        "trust": "medium"
      },
      "created_at": "2026-12-03T01:55:54.759Z",
      "has_vector": true,
      "vector_source": "embedder",
      "retrievability": 1.0,
      "strength": 1.0,
      "stability": 2.3065,
      "difficulty": 2.11121424,
      "state": "review",
      "reps": 2,
      "lapses": 0,
      "last_review": "2026-12-03T01:55:55.780Z",
      "due": "2026-12-05T01:55:55.780Z"
    },
    "score": 0.0109375,
    "vector_rank": 4
  }
];
