// The tools of the self-built function-calling dataset: each with its parameters, pools of
// values a user might state, question templates ({param} is filled in), and questions in its
// domain that it cannot answer (for "no tool fits" items). Written by hand for variety; no
// item is copied from a public benchmark.

export interface Param {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  enum?: string[];
  /** Optional parameters say their default in the description, as real tools do. */
  optional?: boolean;
  /** Values a user might state (for optional ones: when the user states it). */
  pool: Array<string | number | boolean>;
}

export interface Spec {
  name: string;
  description: string;
  params: Param[];
  /** One question per call; `{name}` is the value of that parameter, as the user writes it. */
  ask: string[];
  /** The parameter a parallel question varies ("…for Paris, Rome and Oslo"). */
  vary: string;
  /** Questions with several values of `vary`: `{name*}` is the list of them. */
  askMany: string[];
  /** Questions of the same domain that this tool cannot answer. */
  near: string[];
}

const p = (name: string, type: Param['type'], description: string, pool: Param['pool'], extra: Partial<Param> = {}): Param => ({
  name,
  type,
  description,
  pool,
  ...extra,
});

const CITIES = ['Paris', 'Tokyo', 'Chicago', 'Lisbon', 'Nairobi', 'Toronto', 'Oslo', 'Melbourne', 'Austin', 'Seoul', 'Denver', 'Madrid'];

export const SPECS: Spec[] = [
  {
    name: 'get_weather',
    description: 'Get the current weather for a city.',
    params: [
      p('city', 'string', 'The city, e.g. San Diego.', CITIES),
      p('unit', 'string', "Temperature unit. Default is 'celsius'.", ['fahrenheit', 'celsius'], { enum: ['celsius', 'fahrenheit'], optional: true }),
    ],
    ask: ["What's the weather like in {city} right now?", 'Is it raining in {city}? Give me the temperature in {unit}.', 'Current conditions in {city}, please.'],
    vary: 'city',
    askMany: ['What is the weather in {city*} today?', 'Check the current weather for {city*}.'],
    near: ['Why is the sky blue during the day?', 'What causes the monsoon season in South Asia?'],
  },
  {
    name: 'convert_currency',
    description: 'Convert an amount of money from one currency to another at the current rate.',
    params: [
      p('amount', 'number', 'The amount to convert.', [100, 250, 1200, 75.5, 19.99, 5000]),
      p('from_currency', 'string', 'Three-letter code of the source currency, e.g. USD.', ['USD', 'EUR', 'GBP', 'JPY']),
      p('to_currency', 'string', 'Three-letter code of the target currency.', ['CAD', 'CHF', 'AUD', 'INR']),
    ],
    ask: ['Convert {amount} {from_currency} to {to_currency}.', 'How much is {amount} {from_currency} in {to_currency}?'],
    vary: 'to_currency',
    askMany: ['Convert {amount} {from_currency} into {to_currency*}.'],
    near: ['Which country uses the rand as its currency?', 'What was the highest inflation rate ever recorded?'],
  },
  {
    name: 'math_factorial',
    description: 'Calculate the factorial of a non-negative integer.',
    params: [p('number', 'integer', 'The number.', [5, 7, 10, 12, 15, 20])],
    ask: ['What is the factorial of {number}?', 'Compute {number}!'],
    vary: 'number',
    askMany: ['Find the factorial of {number*}.', 'Calculate the factorials of {number*}.'],
    near: ['What is the square root of 144?', 'Is 91 a prime number?'],
  },
  {
    name: 'calculate_bmi',
    description: 'Calculate the body mass index from weight and height.',
    params: [
      p('weight_kg', 'number', 'Weight in kilograms.', [60, 72, 85, 54, 98]),
      p('height_m', 'number', 'Height in meters.', [1.65, 1.8, 1.72, 1.58, 1.9]),
    ],
    ask: ['My weight is {weight_kg} kg and I am {height_m} m tall. What is my BMI?', 'Calculate the BMI for someone who weighs {weight_kg} kg at {height_m} m.'],
    vary: 'weight_kg',
    askMany: ['Calculate the BMI at a height of {height_m} m for weights of {weight_kg*} kg.'],
    near: ['How many calories should an adult eat per day?', 'What is a healthy resting heart rate?'],
  },
  {
    name: 'get_stock_price',
    description: 'Get the latest trading price of a stock by its ticker symbol.',
    params: [
      p('symbol', 'string', 'Ticker symbol, e.g. AAPL.', ['MSFT', 'NVDA', 'TSLA', 'AMZN', 'GOOGL', 'IBM']),
      p('exchange', 'string', "Exchange. Default is 'NASDAQ'.", ['NYSE', 'NASDAQ'], { optional: true }),
    ],
    ask: ['What is {symbol} trading at?', 'Give me the latest price of {symbol} on {exchange}.', 'Current share price for {symbol}?'],
    vary: 'symbol',
    askMany: ['Get the latest prices for {symbol*}.', 'How are {symbol*} trading right now?'],
    near: ['Who founded the New York Stock Exchange?', 'What does a price-to-earnings ratio measure?'],
  },
  {
    name: 'book_flight',
    description: 'Book a one-way flight between two cities on a date.',
    params: [
      p('origin', 'string', 'Departure city.', CITIES),
      p('destination', 'string', 'Arrival city.', CITIES),
      p('date', 'string', 'Date of travel, YYYY-MM-DD.', ['2025-03-14', '2025-07-02', '2025-11-20', '2025-05-09']),
    ],
    ask: ['Book me a flight from {origin} to {destination} on {date}.', 'I need to fly {origin} to {destination}, departing {date}.'],
    vary: 'destination',
    askMany: ['Book one-way flights from {origin} on {date} to {destination*}.'],
    near: ['How long does jet lag usually last?', 'Which airline has the largest fleet in the world?'],
  },
  {
    name: 'search_restaurants',
    description: 'Find restaurants in a city serving a cuisine.',
    params: [
      p('city', 'string', 'City to search in.', CITIES),
      p('cuisine', 'string', 'Type of food, e.g. Thai.', ['Thai', 'Italian', 'Ethiopian', 'Mexican', 'Korean', 'vegan']),
      p('max_price', 'integer', 'Highest price level from 1 to 4. Default is 4.', [2, 3], { optional: true }),
    ],
    ask: ['Find {cuisine} restaurants in {city}.', 'Where can I get {cuisine} food in {city} at price level {max_price} or less?'],
    vary: 'cuisine',
    askMany: ['Look for {cuisine*} restaurants in {city}.'],
    near: ['How do I make fresh pasta at home?', 'What is the origin of sushi?'],
  },
  {
    name: 'translate_text',
    description: 'Translate a text into a target language.',
    params: [
      p('text', 'string', 'The text to translate.', ['Where is the train station?', 'Thank you for your help', 'The meeting is tomorrow', 'I would like a coffee']),
      p('target_language', 'string', 'Language to translate into.', ['French', 'German', 'Japanese', 'Spanish', 'Portuguese']),
    ],
    ask: ['Translate "{text}" into {target_language}.', 'How do you say "{text}" in {target_language}?'],
    vary: 'target_language',
    askMany: ['Translate "{text}" into {target_language*}.'],
    near: ['How many languages are spoken in India?', 'Is Japanese related to Korean?'],
  },
  {
    name: 'calculate_compound_interest',
    description: 'Compound interest on a principal, compounded yearly.',
    params: [
      p('principal', 'number', 'Initial amount.', [1000, 5000, 20000, 1500]),
      p('rate', 'number', 'Annual interest rate as a decimal (5% is 0.05).', [0.03, 0.05, 0.07, 0.04]),
      p('years', 'integer', 'Number of years.', [5, 10, 15, 30]),
    ],
    ask: ['How much will ${principal} grow to at {rate%} interest over {years} years?', 'Compute the compound interest on {principal} at {rate%} for {years} years.'],
    vary: 'years',
    askMany: ['Calculate the compound interest on ${principal} at {rate%} after {years*} years.'],
    near: ['What is the difference between stocks and bonds?', 'Should I pay off debt before investing?'],
  },
  {
    name: 'get_population',
    description: "A country's population in a given year.",
    params: [
      p('country', 'string', 'Country name.', ['Brazil', 'Japan', 'Nigeria', 'Germany', 'Canada', 'Indonesia']),
      p('year', 'integer', 'Year of the data.', [2000, 2010, 2020, 1990]),
    ],
    ask: ['What was the population of {country} in {year}?', 'How many people lived in {country} in {year}?'],
    vary: 'country',
    askMany: ['Get the {year} population of {country*}.'],
    near: ['What is the capital of Australia?', 'Which country has the longest coastline?'],
  },
  {
    name: 'send_email',
    description: 'Send an email.',
    params: [
      p('to', 'string', 'Recipient address.', ['ana@example.com', 'team@example.org', 'li.wei@example.net', 'sam@example.com']),
      p('subject', 'string', 'Subject line.', ['Meeting moved', 'Invoice 2211', 'Lunch on Friday', 'Draft report']),
      p('body', 'string', 'Message text.', ['The meeting is now at 3pm', 'Please find the invoice attached', 'Are you free for lunch on Friday', 'Here is the draft for review']),
    ],
    ask: ['Email {to} with the subject "{subject}" saying "{body}".', 'Send "{body}" to {to}, subject "{subject}".'],
    vary: 'to',
    askMany: ['Send an email with subject "{subject}" and text "{body}" to {to*}.'],
    near: ['How do I write a polite follow-up email?', 'What is the difference between CC and BCC?'],
  },
  {
    name: 'calculate_distance',
    description: 'Travel distance between two places.',
    params: [
      p('origin', 'string', 'Start.', CITIES),
      p('destination', 'string', 'End.', CITIES),
      p('mode', 'string', "Travel mode. Default is 'driving'.", ['walking', 'driving', 'transit'], { enum: ['driving', 'walking', 'transit'], optional: true }),
    ],
    ask: ['How far is it from {origin} to {destination}?', 'Distance from {origin} to {destination} by {mode}?'],
    vary: 'destination',
    askMany: ['How far is {origin} from {destination*}?'],
    near: ['What is the longest road in the world?', 'How fast does light travel?'],
  },
  {
    name: 'get_movie_showtimes',
    description: 'Showtimes of a movie in a city today.',
    params: [
      p('movie', 'string', 'Movie title.', ['Dune', 'Oppenheimer', 'Inside Out 2', 'The Batman', 'Past Lives']),
      p('city', 'string', 'City.', CITIES),
    ],
    ask: ['When is {movie} playing in {city}?', 'Find showtimes for {movie} in {city} today.'],
    vary: 'movie',
    askMany: ['What are the showtimes in {city} for {movie*}?'],
    near: ['Who directed the first Star Wars film?', 'Which movie won the most Oscars?'],
  },
  {
    name: 'create_calendar_event',
    description: 'Add an event to the calendar.',
    params: [
      p('title', 'string', 'Event title.', ['Dentist', 'Team sync', 'Yoga class', 'Call with Maria']),
      p('date', 'string', 'Date, YYYY-MM-DD.', ['2025-04-03', '2025-06-18', '2025-09-01']),
      p('time', 'string', 'Start time, HH:MM.', ['09:30', '14:00', '18:15']),
    ],
    ask: ['Add "{title}" to my calendar on {date} at {time}.', 'Schedule {title} for {date}, {time}.'],
    vary: 'date',
    askMany: ['Put "{title}" at {time} on {date*} in my calendar.'],
    near: ['How many weeks are there in a year?', 'What day of the week was July 4, 1776?'],
  },
  {
    name: 'calculate_tip',
    description: 'Tip amount for a bill.',
    params: [
      p('bill_amount', 'number', 'Bill total.', [42.5, 88, 120, 63.2, 19]),
      p('tip_percent', 'number', 'Tip in percent.', [15, 18, 20, 10]),
    ],
    ask: ['What is a {tip_percent}% tip on a ${bill_amount} bill?', 'Calculate the tip for ${bill_amount} at {tip_percent} percent.'],
    vary: 'bill_amount',
    askMany: ['Work out a {tip_percent}% tip on bills of ${bill_amount*}.'],
    near: ['Is tipping expected in Japan?', 'Why do restaurants add service charges?'],
  },
  {
    name: 'get_recipe',
    description: 'A recipe for a dish scaled to a number of servings.',
    params: [
      p('dish', 'string', 'Dish name.', ['lasagna', 'pad thai', 'shakshuka', 'banana bread', 'ramen']),
      p('servings', 'integer', 'Servings. Default is 4.', [2, 6, 8], { optional: true }),
    ],
    ask: ['Give me a recipe for {dish}.', 'I need a {dish} recipe for {servings} people.'],
    vary: 'dish',
    askMany: ['Find recipes for {dish*}.'],
    near: ['Why does bread go stale?', 'What is the difference between baking soda and baking powder?'],
  },
  {
    name: 'find_hotels',
    description: 'Available hotels in a city for a stay.',
    params: [
      p('city', 'string', 'City.', CITIES),
      p('check_in', 'string', 'Check-in date, YYYY-MM-DD.', ['2025-02-10', '2025-08-22', '2025-12-27']),
      p('nights', 'integer', 'Number of nights.', [2, 3, 5, 7]),
    ],
    ask: ['Find a hotel in {city} from {check_in} for {nights} nights.', 'I need a room in {city}, checking in {check_in}, {nights} nights.'],
    vary: 'city',
    askMany: ['Find hotels for {nights} nights from {check_in} in {city*}.'],
    near: ['What is the oldest hotel in the world?', 'How do hotel loyalty programs work?'],
  },
  {
    name: 'gcd',
    description: 'Greatest common divisor of two integers.',
    params: [p('a', 'integer', 'First integer.', [12, 36, 48, 96, 84]), p('b', 'integer', 'Second integer.', [18, 60, 128, 90, 126])],
    ask: ['What is the greatest common divisor of {a} and {b}?', 'Find the GCD of {a} and {b}.'],
    vary: 'a',
    askMany: ['Find the GCD of {b} with each of {a*}.'],
    near: ['What is a Mersenne prime?', 'Who proved Fermat’s last theorem?'],
  },
  {
    name: 'area_circle',
    description: 'Area of a circle from its radius.',
    params: [p('radius', 'number', 'Radius.', [3, 4.5, 7, 10, 12])],
    ask: ['What is the area of a circle with radius {radius}?', 'Area of a circle, radius {radius} cm?'],
    vary: 'radius',
    askMany: ['Calculate the areas of circles with radii {radius*}.'],
    near: ['What is the circumference of the Earth?', 'Why is pi irrational?'],
  },
  {
    name: 'area_rectangle',
    description: 'Area of a rectangle.',
    params: [p('length', 'number', 'Length.', [4, 7, 12, 9.5]), p('width', 'number', 'Width.', [3, 5, 2.5, 8])],
    ask: ['Find the area of a rectangle with length {length} and width {width}.', 'A room is {length} m by {width} m; what is its area?'],
    vary: 'length',
    askMany: ['Rectangles of width {width} and lengths {length*}: what are their areas?'],
    near: ['How many sides does a dodecagon have?', 'What is the volume of a cube with side 3?'],
  },
  {
    name: 'get_team_score',
    description: "A sports team's final score in a season.",
    params: [
      p('team', 'string', 'Team name.', ['Lakers', 'Arsenal', 'Yankees', 'Celtics', 'Real Madrid']),
      p('season', 'integer', 'Season year.', [2019, 2021, 2023]),
    ],
    ask: ['How did the {team} finish in the {season} season?', 'Final standing of {team} in {season}?'],
    vary: 'team',
    askMany: ['How did {team*} do in {season}?'],
    near: ['How long is a soccer match?', 'Who invented basketball?'],
  },
  {
    name: 'get_song_lyrics',
    description: 'Lyrics of a song.',
    params: [
      p('song', 'string', 'Song title.', ['Yesterday', 'Hallelujah', 'Bohemian Rhapsody', 'Respect']),
      p('artist', 'string', 'Artist.', ['The Beatles', 'Leonard Cohen', 'Queen', 'Aretha Franklin']),
    ],
    ask: ['Show me the lyrics of {song} by {artist}.', 'I need the words to "{song}" ({artist}).'],
    vary: 'song',
    askMany: ['Get the lyrics of {song*} by {artist}.'],
    near: ['What instrument did Jimi Hendrix play?', 'Which album sold the most copies ever?'],
  },
  {
    name: 'calculate_mortgage',
    description: 'Monthly payment of a fixed-rate mortgage.',
    params: [
      p('loan_amount', 'number', 'Amount borrowed.', [250000, 400000, 180000, 520000]),
      p('annual_rate', 'number', 'Annual rate as a decimal.', [0.04, 0.055, 0.065]),
      p('years', 'integer', 'Term in years.', [15, 20, 30]),
    ],
    ask: ['Monthly payment on a ${loan_amount} mortgage at {annual_rate%} over {years} years?', 'What would I pay per month for {loan_amount} at {annual_rate%} for {years} years?'],
    vary: 'years',
    askMany: ['Compare the monthly payments of a ${loan_amount} loan at {annual_rate%} over {years*} years.'],
    near: ['Is it better to rent or buy a house?', 'What is an escrow account?'],
  },
  {
    name: 'get_time_zone',
    description: 'The time zone and current local time of a city.',
    params: [p('city', 'string', 'City.', CITIES)],
    ask: ['What time is it in {city}?', 'Which time zone is {city} in?'],
    vary: 'city',
    askMany: ['What is the local time in {city*}?'],
    near: ['Why do we have daylight saving time?', 'How many time zones does Russia have?'],
  },
  {
    name: 'set_thermostat',
    description: 'Set the target temperature of a room.',
    params: [
      p('room', 'string', 'Room name.', ['living room', 'bedroom', 'office', 'kitchen']),
      p('temperature', 'number', 'Target in degrees Celsius.', [19, 21, 22.5, 18]),
    ],
    ask: ['Set the {room} to {temperature} degrees.', 'Make the {room} {temperature}°C please.'],
    vary: 'room',
    askMany: ['Set {room*} to {temperature} degrees.'],
    near: ['What is the most energy-efficient way to heat a house?', 'At what temperature does water boil at altitude?'],
  },
  {
    name: 'get_nutrition',
    description: 'Calories and macronutrients of a food portion.',
    params: [
      p('food', 'string', 'Food.', ['oatmeal', 'salmon', 'brown rice', 'avocado', 'chickpeas']),
      p('grams', 'number', 'Portion in grams.', [100, 150, 250, 80]),
    ],
    ask: ['How many calories are in {grams} g of {food}?', 'Nutrition facts for {grams} grams of {food}.'],
    vary: 'food',
    askMany: ['Give me the nutrition of {grams} g each of {food*}.'],
    near: ['Is a vegan diet healthy for children?', 'What vitamins does sunlight provide?'],
  },
  {
    name: 'find_prime_numbers',
    description: 'All prime numbers in a range.',
    params: [p('start', 'integer', 'Start of the range.', [1, 10, 50, 100]), p('end', 'integer', 'End of the range.', [100, 150, 200, 500])],
    ask: ['List the primes between {start} and {end}.', 'Which numbers from {start} to {end} are prime?'],
    vary: 'end',
    askMany: ['List the primes from {start} up to each of {end*}.'],
    near: ['What is the largest known prime number?', 'Why is 1 not a prime number?'],
  },
  {
    name: 'get_flight_status',
    description: 'Live status of a flight by flight number.',
    params: [p('flight_number', 'string', 'Flight number, e.g. UA100.', ['BA283', 'LH430', 'AF66', 'QF1', 'DL44'])],
    ask: ['Is flight {flight_number} on time?', 'What is the status of {flight_number}?'],
    vary: 'flight_number',
    askMany: ['Check the status of flights {flight_number*}.'],
    near: ['Why do planes fly at 35,000 feet?', 'What is the busiest airport in the world?'],
  },
  {
    name: 'calculate_speed',
    description: 'Average speed from a distance and a time.',
    params: [p('distance_m', 'number', 'Distance in meters.', [100, 400, 1500, 42195]), p('time_s', 'number', 'Time in seconds.', [9.58, 43, 210, 7299])],
    ask: ['What is the average speed for {distance_m} m in {time_s} seconds?', 'Someone ran {distance_m} meters in {time_s} s. How fast was that?'],
    vary: 'time_s',
    askMany: ['Average speeds over {distance_m} m for times of {time_s*} seconds?'],
    near: ['What is the speed of sound?', 'How fast can a cheetah run?'],
  },
];
