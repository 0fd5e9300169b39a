-- Local-stack compat of pg_net 0.20.4 (supabase/pg_net sql/pg_net.sql). Same schema, tables and
-- public functions; the C helpers are rewritten in SQL and `net.wake()` sends a NOTIFY on channel
-- `pg_net_wake`, which local/pg_net_worker.ts listens to. NOTIFY is delivered at commit, which
-- gives pg_net's documented semantics: requests are not started until the transaction commits,
-- and a rolled-back transaction sends nothing.
\echo Use "create extension pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
check (
  value ilike 'get'
  or value ilike 'post'
  or value ilike 'delete'
);

-- Pending requests; the worker deletes them as it takes them (at-most-once, like pg_net).
create unlogged table net.http_request_queue(
    id bigserial,
    method net.http_method not null,
    url text not null,
    headers jsonb,
    body bytea,
    timeout_milliseconds int not null
);

-- One row per finished request; the worker deletes rows older than 6 hours (pg_net.ttl).
create unlogged table net._http_response(
    id bigint,
    status_code integer,
    content_type text,
    headers jsonb,
    content text,
    timed_out bool,
    error_msg text,
    created timestamptz not null default now()
);

create index on net._http_response (created);

-- The local worker connects with application_name 'pg_net worker'.
create or replace function net.check_worker_is_up() returns void as $$
begin
  if not exists (
    select pid from pg_stat_activity
    where backend_type ilike '%pg_net%' or application_name = 'pg_net worker'
  ) then
    raise exception using
      message = 'the pg_net background worker is not up'
    , detail  = 'the local pg_net worker (local/services.ts) is not connected'
    , hint    = 'run `deno task stack up`';
  end if;
end
$$ language plpgsql;

create or replace function net._await_response(request_id bigint)
    returns bool
    language plpgsql
as $$
declare
    rec net._http_response;
begin
    while rec is null loop
        select * into rec from net._http_response where id = request_id;
        if rec is null then
            perform pg_sleep(0.05);
        end if;
    end loop;
    return true;
end;
$$;

-- curl_escape: every byte but ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX.
create or replace function net._urlencode_string(string varchar)
    returns text
    language sql
    immutable
    strict
as $$
    select coalesce(string_agg(
        case
            when b between 48 and 57 or b between 65 and 90 or b between 97 and 122
                or b in (45, 46, 95, 126) then chr(b)
            else '%' || upper(lpad(to_hex(b), 2, '0'))
        end, '' order by i), '')
    from (select convert_to(string, 'UTF8') as bytes) s,
        lateral generate_series(0, length(s.bytes) - 1) as i,
        lateral get_byte(s.bytes, i) as b;
$$;

-- curl_url_set(CURLU_APPENDQUERY) for each param: "?" before the first, "&" after, and the
-- query goes before a "#fragment".
create or replace function net._encode_url_with_params_array(url text, params_array text[])
    returns text
    language plpgsql
    immutable
as $$
declare
    base text := split_part(url, '#', 1);
    fragment text := substr(url, length(split_part(url, '#', 1)) + 1);
    param text;
begin
    if url is null or url !~* '^[a-z][a-z0-9+.-]*://[^/?#]+' then
        raise exception 'URL using bad/illegal format or missing URL';
    end if;
    foreach param in array coalesce(params_array, '{}') loop
        if param is not null then
            base := base || case when strpos(base, '?') > 0 then '&' else '?' end || param;
        end if;
    end loop;
    return base || fragment;
end;
$$;

-- Wakes the worker at commit (NOTIFY is transactional).
create or replace function net.wake()
    returns void
    language sql
as $$ select pg_notify('pg_net_wake', ''); $$;

create or replace function net.worker_restart()
    returns bool
    language sql
as $$ select pg_notify('pg_net_wake', ''); select true; $$;

-- What every request function does once its arguments are checked: encode the params into the
-- URL, queue the request, and wake the worker at commit.
create or replace function net._enqueue(
    method text,
    url text,
    params jsonb,
    headers jsonb,
    body bytea,
    timeout_milliseconds int
)
    returns bigint
    language plpgsql
as $$
declare
    request_id bigint;
    params_array text[];
begin
    select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
    into params_array
    from jsonb_each_text(params);

    insert into net.http_request_queue(method, url, headers, body, timeout_milliseconds)
    values (method, net._encode_url_with_params_array(url, params_array), headers, body, timeout_milliseconds)
    returning id into request_id;

    perform net.wake();
    return request_id;
end
$$;

create or replace function net.http_get(
    url text,
    params jsonb default '{}'::jsonb,
    headers jsonb default '{}'::jsonb,
    timeout_milliseconds int default 5000
)
    returns bigint
    language sql
as $$ select net._enqueue('GET', url, params, headers, null, timeout_milliseconds) $$;

create or replace function net.http_post(
    url text,
    body jsonb default '{}'::jsonb,
    params jsonb default '{}'::jsonb,
    headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
    timeout_milliseconds int default 5000
)
    returns bigint
    language plpgsql
as $$
declare
    content_type text;
begin
    select header_value into content_type
    from jsonb_each_text(coalesce(headers, '{}'::jsonb)) r(header_name, header_value)
    where lower(header_name) = 'content-type'
    limit 1;

    -- If the caller's headers omit the content type, add it back.
    if content_type is null then
        select headers || '{"Content-Type": "application/json"}'::jsonb into headers;
    end if;

    if content_type <> 'application/json' then
        raise exception 'Content-Type header must be "application/json"';
    end if;

    return net._enqueue('POST', url, params, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds);
end
$$;

create or replace function net.http_delete(
    url text,
    params jsonb default '{}'::jsonb,
    headers jsonb default '{}'::jsonb,
    timeout_milliseconds int default 5000,
    body jsonb default null
)
    returns bigint
    language sql
as $$
    select net._enqueue('DELETE', url, params, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
$$;

create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');

create type net.http_response as (
    status_code integer,
    headers jsonb,
    body text
);

create type net.http_response_result as (
    status net.request_status,
    message text,
    response net.http_response
);

create or replace function net._http_collect_response(request_id bigint, async bool default true)
    returns net.http_response_result
    language plpgsql
as $$
declare
    rec net._http_response;
begin
    if not async then
        perform net._await_response(request_id);
    end if;

    select * into rec from net._http_response where id = request_id;

    if rec is null or rec.error_msg is not null then
        return (
            'ERROR',
            coalesce(rec.error_msg, 'request matching request_id not found'),
            null
        )::net.http_response_result;
    end if;

    return ('SUCCESS', 'ok', (rec.status_code, rec.headers, rec.content)::net.http_response)
        ::net.http_response_result;
end;
$$;

create or replace function net.http_collect_response(request_id bigint, async bool default true)
    returns net.http_response_result
    language plpgsql
as $$
begin
    raise notice 'The net.http_collect_response function is deprecated.';
    return net._http_collect_response(request_id, async);
end;
$$;

grant usage on schema net to PUBLIC;
grant all on all sequences in schema net to PUBLIC;
grant all on all tables in schema net to PUBLIC;
