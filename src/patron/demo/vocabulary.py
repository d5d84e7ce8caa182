"""The words the demo business is made of: names, towns, products, staff, interaction texts.

Plain data, kept apart from the generator so that the generator reads as the process it
simulates. Everything here is fictional; UK-flavoured because phone numbers and postcodes
are validated as British.
"""

from __future__ import annotations

# fmt: off

GIVEN_NAMES_F = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Evie", "Florence", "Poppy", "Ella", "Charlotte", "Willow", "Emily",
    "Sienna", "Alice", "Ruby", "Harper", "Matilda", "Daisy", "Phoebe", "Zoë", "Chloé",
    "Siân", "Niamh", "Aoife", "Priya", "Aisha", "Fatima", "Mei", "Hannah", "Sarah", "Rachel",
    "Helen", "Claire", "Joanne", "Karen", "Susan", "Margaret", "Patricia", "Jennifer",
    "Emma", "Lucy", "Katie", "Laura", "Rebecca", "Victoria", "Anita", "Renée", "Maria",
)
GIVEN_NAMES_M = (
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie",
    "Henry", "Theodore", "Freddie", "Jack", "Charlie", "Theo", "Alfie", "Jacob", "Thomas",
    "Finley", "Arlo", "William", "Lucas", "Roman", "Tommy", "Isaac", "Teddy", "Joshua",
    "James", "Daniel", "David", "Michael", "Paul", "Mark", "Andrew", "Richard", "Stephen",
    "Peter", "John", "Robert", "Christopher", "Matthew", "Gareth", "Rhys", "Dylan", "Ewan",
    "Callum", "Ravi", "Arjun", "Omar", "Kwame", "Chen", "Tomasz", "Mateusz", "Seán", "José",
)
FAMILY_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens",
    "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher",
    "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
    "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence",
    "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
    "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis",
    "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory",
    "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone",
    "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver",
    "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke",
    "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson",
    "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton",
    "Byrne", "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins",
    "O'Connor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill",
    "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston", "Gordon",
    "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rowe", "Burke", "May", "Pritchard",
    "Gilbert", "Willis", "Higgins", "Read", "Miles", "Stevenson", "Stephenson", "Hammond",
    "Arnold", "Buckley", "Walters", "Hewitt", "Barber", "Nelson", "Slater", "Austin",
    "Sullivan", "Whitehead", "Mann", "Frost", "Lambert", "Stephens", "Blake", "Akhtar",
    "Lynch", "Goodwin", "Barton", "Woodward", "Thomson", "Cunningham", "Quinn", "Barnett",
    "Baxter", "Bibi", "Clayton", "Nash", "Greenwood", "Jennings", "Holt", "Kemp", "Poole",
    "Gallagher", "Bond", "Stokes", "Tucker", "Davidson", "Fowler", "Heath", "Norman",
    "Middleton", "Lawson", "Banks", "French", "Stanley", "Jarvis", "Gibbs", "Ferguson",
    "Hayward", "Carroll", "Douglas", "Dickinson", "Todd", "Barlow", "Peters", "Lucas",
    "Knowles", "Hartley", "Miah", "Simmons", "Morton", "Alexander", "Field", "Morrison",
    "Horton", "Nowak", "Kowalski", "Nguyen", "Wang", "Okafor", "Mensah", "Costa", "Rossi",
)

EMAIL_DOMAINS = (
    "gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com",
    "icloud.com", "sky.com", "live.co.uk", "aol.com", "protonmail.com",
)
EMAIL_DOMAIN_WEIGHTS = (0.34, 0.16, 0.12, 0.09, 0.08, 0.08, 0.05, 0.04, 0.02, 0.02)

# (town, postcode area, share of customers, dialling code without the leading 0)
TOWNS = (
    ("London", "SE", 0.10, "20"), ("London", "N", 0.06, "20"), ("Birmingham", "B", 0.07, "121"),
    ("Manchester", "M", 0.07, "161"), ("Leeds", "LS", 0.06, "113"),
    ("Glasgow", "G", 0.05, "141"), ("Sheffield", "S", 0.04, "114"),
    ("Bristol", "BS", 0.05, "117"), ("Liverpool", "L", 0.04, "151"),
    ("Edinburgh", "EH", 0.04, "131"), ("Nottingham", "NG", 0.04, "115"),
    ("Leicester", "LE", 0.03, "116"), ("Cardiff", "CF", 0.03, "29"),
    ("Newcastle upon Tyne", "NE", 0.03, "191"), ("Southampton", "SO", 0.03, "23"),
    ("Belfast", "BT", 0.03, "28"), ("Cambridge", "CB", 0.03, "1223"),
    ("Oxford", "OX", 0.03, "1865"), ("Brighton", "BN", 0.03, "1273"),
    ("York", "YO", 0.02, "1904"), ("Bath", "BA", 0.02, "1225"),
    ("Norwich", "NR", 0.02, "1603"), ("Exeter", "EX", 0.02, "1392"),
    ("Coventry", "CV", 0.02, "24"), ("Aberdeen", "AB", 0.02, "1224"),
    ("Plymouth", "PL", 0.02, "1752"), ("Swansea", "SA", 0.02, "1792"),
    ("Derby", "DE", 0.02, "1332"), ("Reading", "RG", 0.02, "118"),
)
STREETS = (
    "High Street", "Station Road", "Church Lane", "Main Street", "Park Road", "Victoria Road",
    "Green Lane", "Manor Road", "Church Street", "Park Avenue", "The Avenue", "Queens Road",
    "New Road", "Grange Road", "Kings Road", "Mill Lane", "Albert Road", "Highfield Road",
    "London Road", "School Lane", "Chapel Street", "Springfield Road", "Windsor Road",
    "North Street", "York Road", "Orchard Close", "Meadow View", "Beech Grove",
    "Cedar Avenue", "Willow Way", "Riverside Walk", "Castle Street", "Market Place",
    "Elm Road", "Rectory Lane", "West End", "Broad Street", "Mount Pleasant", "Oak Drive",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

ORG_FIRST = (
    "Northgate", "Riverside", "Greenfield", "Oakwood", "Summit", "Harbour", "Meadowbank",
    "Kingsway", "Brightwater", "Ashford", "Castlegate", "Fernhill", "Highbury", "Westbrook",
    "Elmstead", "Silverdale", "Stonebridge", "Redhill", "Foxglove", "Larkspur", "Thornbury",
    "Blackwood", "Marlowe", "Penrose", "Wexford", "Cobalt", "Juniper", "Sterling", "Beacon",
    "Orchard", "Hawthorn", "Copperfield", "Millbrook", "Lakeside", "Bluebell", "Granite",
)
ORG_TYPES = (
    "Hotel", "Café", "Dental Practice", "Architects", "Primary School", "Bakery",
    "Consulting", "Studios", "Property Management", "Veterinary Clinic", "Restaurant",
    "Accountants", "Garden Centre", "Florists", "Fitness", "Surveyors", "Lettings",
    "Coworking", "Guest House", "Nursery", "Deli", "Solicitors", "Design", "Physiotherapy",
    "Brewery", "Bistro", "Opticians", "Engineering", "Print Works", "Care Home",
)
ORG_SUFFIXES = ("Ltd", "Ltd", "Ltd", "LLP", "& Co", "", "Limited", "Group")

# (title, PartyRelationship.Role)
CONTACT_TITLES = (
    ("Owner", "owner"),
    ("Office manager", "contact"),
    ("Head of purchasing", "decision_maker"),
    ("Finance director", "billing_contact"),
    ("Operations manager", "decision_maker"),
    ("Accounts payable", "billing_contact"),
    ("General manager", "decision_maker"),
    ("Facilities coordinator", "contact"),
    ("Executive assistant", "employee"),
    ("Head chef", "employee"),
)

# Interest groups: customers who buy in one category of a group tend to buy the others.
GROUPS = ("Home cooking", "Garden", "Home office", "Outdoors", "Home comfort")

# (category, groups it belongs to, margin rate, ten (product, list price in pounds))
CATEGORIES: tuple[tuple[str, tuple[int, ...], float, tuple[tuple[str, float], ...]], ...] = (
    ("Cookware", (0,), 0.45, (
        ("Cast iron skillet 26 cm", 45), ("Non-stick frying pan 28 cm", 32),
        ("Stainless saucepan set", 120), ("Enamelled casserole 24 cm", 159),
        ("Carbon steel wok", 38), ("Stockpot 8 l", 55), ("Roasting tin", 24),
        ("Griddle pan", 42), ("Milk pan 16 cm", 19), ("Sauté pan with lid", 65),
    )),
    ("Kitchen electricals", (0,), 0.22, (
        ("Stand mixer", 399), ("Hand blender", 49), ("Espresso machine", 549),
        ("Kettle 1.7 l", 45), ("4-slice toaster", 59), ("Food processor", 179),
        ("Air fryer 5.5 l", 99), ("Slow cooker 6 l", 55), ("Bean-to-cup grinder", 129),
        ("Digital kitchen scale", 22),
    )),
    ("Tableware", (0, 4), 0.55, (
        ("Stoneware dinner set 12 pc", 89), ("Wine glasses, set of 4", 34),
        ("Linen napkins, set of 6", 28), ("Serving platter", 36), ("Pasta bowls, set of 4", 32),
        ("Cutlery set 24 pc", 75), ("Tumblers, set of 6", 24), ("Oak serving board", 29),
        ("Salad bowl", 26), ("Espresso cups, set of 4", 22),
    )),
    ("Coffee & tea", (0,), 0.60, (
        ("House blend coffee beans 1 kg", 22), ("Single-origin Ethiopia 250 g", 9.5),
        ("Decaf espresso 500 g", 12), ("English breakfast tea, 80 bags", 4.5),
        ("Earl Grey loose leaf 250 g", 8.5), ("Green tea sencha", 7), ("Hot chocolate 500 g", 9),
        ("Coffee filter papers", 3.5), ("Chai spice blend", 6.5), ("Office coffee pods 100", 32),
    )),
    ("Garden tools", (1,), 0.40, (
        ("Stainless border spade", 39), ("Bypass secateurs", 24),
        ("Hand trowel and fork set", 18), ("Telescopic loppers", 45), ("Garden hose 30 m", 35),
        ("Leaf rake", 16), ("Wheelbarrow 85 l", 79), ("Hedge shears", 29), ("Kneeling pad", 9),
        ("Watering can 10 l", 19),
    )),
    ("Plants & seeds", (1,), 0.65, (
        ("Tomato seeds, heritage mix", 3.5), ("Wildflower meadow mix", 8),
        ("Herb garden starter", 14), ("Lavender plug plants", 12),
        ("Spring bulb collection", 18), ("Peat-free compost 50 l", 9), ("Sweet pea seeds", 3),
        ("Seed potatoes 2 kg", 7), ("Organic plant feed 1 l", 6.5), ("Strawberry plants", 15),
    )),
    ("Outdoor living", (1,), 0.35, (
        ("Teak bench", 299), ("Bistro table and chairs", 189), ("Parasol 3 m", 129),
        ("Fire pit", 149), ("Charcoal barbecue", 119), ("Rattan lounger", 249),
        ("Outdoor cushions, set of 4", 59), ("Solar lanterns", 29), ("Raised bed kit", 89),
        ("Garden storage box", 99),
    )),
    ("Stationery", (2,), 0.62, (
        ("A4 copier paper, 5 reams", 24), ("Gel pens, pack of 12", 9),
        ("Hardback notebook A5", 12), ("Sticky notes, 12 pads", 6.5),
        ("Lever arch files, 10", 18), ("Desk diary", 15), ("Highlighters, 6", 5),
        ("Envelopes C5, 500", 22), ("Whiteboard markers, 8", 7.5), ("Stapler and staples", 14),
    )),
    ("Office furniture", (2,), 0.33, (
        ("Ergonomic office chair", 349), ("Sit-stand desk 140 cm", 499),
        ("Filing cabinet, 3 drawer", 189), ("Bookcase 180 cm", 149),
        ("Meeting table 6 seat", 429), ("Monitor arm", 79), ("Pedestal drawers", 139),
        ("Reception sofa", 699), ("Desk screen divider", 95), ("Coat stand", 49),
    )),
    ("Computing accessories", (2,), 0.28, (
        ("Wireless keyboard", 45), ("Ergonomic mouse", 35), ("USB-C docking station", 139),
        ("27-inch monitor", 229), ("Noise-cancelling headset", 119), ("Webcam 1080p", 59),
        ("Laptop stand", 32), ("Surge-protected 6-way", 24), ("External SSD 1 TB", 89),
        ("HDMI cable 2 m", 8.5),
    )),
    ("Outdoor clothing", (3,), 0.50, (
        ("Waterproof jacket", 159), ("Insulated gilet", 79), ("Walking trousers", 65),
        ("Merino base layer", 55), ("Fleece pullover", 49), ("Walking boots", 139),
        ("Wool hiking socks, 3 pairs", 24), ("Sun hat", 22), ("Softshell gloves", 28),
        ("Packable down jacket", 129),
    )),
    ("Camping & hiking", (3,), 0.42, (
        ("Two-person tent", 189), ("Sleeping bag 3-season", 99), ("Trekking poles", 45),
        ("Daypack 25 l", 65), ("Camping stove", 39), ("Head torch", 29),
        ("Insulated flask 1 l", 32), ("Self-inflating mat", 59), ("Water filter bottle", 35),
        ("First aid kit", 19),
    )),
    ("Bedding & bath", (4,), 0.52, (
        ("Cotton duvet cover, double", 59), ("Feather pillows, pair", 45),
        ("Egyptian cotton sheets", 79), ("Wool throw", 69), ("Bath towel set", 49),
        ("Bath robe", 55), ("Mattress protector", 35), ("Hotel duvet 10.5 tog", 89),
        ("Blackout curtains", 65), ("Linen bedspread", 119),
    )),
    ("Lighting", (4,), 0.46, (
        ("Brass table lamp", 89), ("Floor lamp", 129), ("LED desk lamp", 45),
        ("Pendant shade", 59), ("Smart bulb 4-pack", 39), ("Reading light", 35),
        ("Candle lantern", 25), ("Wall light", 69), ("Festoon lights 10 m", 32),
        ("Lamp shade 40 cm", 39),
    )),
    ("Gifts & hampers", (0, 4), 0.48, (
        ("Christmas hamper", 85), ("Luxury chocolate box", 24), ("Scented candle gift set", 32),
        ("Gift card £25", 25), ("Tea lover's gift box", 28), ("Wine and cheese hamper", 65),
        ("Letterpress greetings cards", 12), ("Advent calendar", 29),
        ("Gardener's gift set", 35), ("Coffee tasting set", 30),
    )),
)

RETURN_REASONS = (
    "Damaged in transit", "Not as described", "Changed mind", "Wrong size",
    "Arrived too late", "Faulty", "Ordered by mistake", "Better price elsewhere",
)

# (department, username, given name, family name, role, is field sales)
STAFF = (
    ("sales", "olivia.hart", "Olivia", "Hart", "manager", False),
    ("sales", "james.okafor", "James", "Okafor", "agent", True),
    ("sales", "priya.shah", "Priya", "Shah", "agent", True),
    ("sales", "tom.bennett", "Tom", "Bennett", "agent", False),
    ("sales", "ellie.walsh", "Ellie", "Walsh", "agent", False),
    ("sales", "sam.reader", "Sam", "Reader", "read_only", False),
    ("marketing", "nina.costa", "Nina", "Costa", "manager", False),
    ("marketing", "dylan.rees", "Dylan", "Rees", "agent", False),
    ("marketing", "maya.chen", "Maya", "Chen", "agent", False),
    ("marketing", "leo.grant", "Leo", "Grant", "read_only", False),
    ("service", "grace.murphy", "Grace", "Murphy", "manager", False),
    ("service", "arjun.patel", "Arjun", "Patel", "agent", False),
    ("service", "hannah.lee", "Hannah", "Lee", "agent", False),
    ("service", "callum.ross", "Callum", "Ross", "agent", False),
    ("service", "fatima.khan", "Fatima", "Khan", "agent", False),
    ("service", "ruby.doyle", "Ruby", "Doyle", "read_only", False),
    ("finance", "david.morgan", "David", "Morgan", "manager", False),
    ("finance", "sarah.nowak", "Sarah", "Nowak", "agent", False),
    ("finance", "mark.ellis", "Mark", "Ellis", "agent", False),
    ("finance", "alice.ward", "Alice", "Ward", "read_only", False),
)
DEPARTMENTS = (
    ("sales", "Sales"),
    ("marketing", "Marketing"),
    ("service", "Customer service"),
    ("finance", "Finance"),
)

# Direct interaction templates:
# (department, kind, direction, channel, B2B only, B2C only, subject, notes, outcomes).
# {category}, {product} and {contact} are filled in per interaction.
DIRECT_TEMPLATES = (
    ("sales", "call", "outbound", "phone", False, False, "Follow-up after first order",
     "Called to check the {product} arrived well and to introduce the {category} range.",
     ("sale", "information", "no_answer", "left_message")),
    ("sales", "call", "inbound", "phone", False, False, "Price enquiry: {category}",
     "Asked about current prices and stock of {product}. Sent the price list.",
     ("information", "sale", "follow_up")),
    ("sales", "meeting", "outbound", "in_person", True, False, "Quarterly account review",
     "Reviewed spend and upcoming needs with {contact}. Interested in {category}.",
     ("follow_up", "sale", "information")),
    ("sales", "field_visit", "outbound", "in_person", True, False, "Site visit: {category}",
     "Visited the site with samples; {contact} wants a quote for {product}.",
     ("follow_up", "sale")),
    ("sales", "email", "outbound", "email", True, False, "Quote for {product}",
     "Sent a volume quote to {contact}, valid 30 days.",
     ("follow_up", "sale")),
    ("sales", "in_store", "inbound", "in_person", False, True, "Advice on {category}",
     "Showed the {category} range in store; customer compared {product} with alternatives.",
     ("sale", "information")),
    ("marketing", "email", "inbound", "email", False, False, "Newsletter reply",
     "Replied to the newsletter asking for more about {category}.",
     ("information", "resolved")),
    ("marketing", "letter", "outbound", "post", False, False, "Catalogue mailed",
     "Seasonal catalogue with a {category} insert posted.",
     ("",)),
    ("marketing", "call", "outbound", "phone", False, False, "Customer panel invitation",
     "Invited to join the customer panel on the {category} range.",
     ("information", "no_answer", "resolved")),
    ("service", "call", "inbound", "phone", False, False, "Delivery enquiry",
     "Asked where the order was; tracked the parcel and gave the delivery slot.",
     ("resolved", "information")),
    ("service", "chat", "inbound", "chat", False, False, "Order status question",
     "Web chat about order status and delivery options.",
     ("resolved", "information")),
    ("service", "email", "inbound", "email", False, False, "Problem with {product}",
     "Reported a fault with {product}; troubleshooting steps sent.",
     ("follow_up", "resolved", "complaint")),
    ("service", "call", "inbound", "phone", False, False, "Complaint: late delivery",
     "Delivery arrived four days late; apologised and offered free delivery next time.",
     ("complaint", "resolved")),
    ("finance", "email", "inbound", "email", True, False, "Remittance advice",
     "Remittance advice received from {contact} for the latest invoices.",
     ("resolved",)),
    ("finance", "call", "inbound", "phone", False, False, "Invoice copy requested",
     "Sent a copy of the VAT invoice by email.",
     ("resolved",)),
)
# Notes a department keeps to itself: (department, kind, direction, channel, subject, notes).
PRIVATE_TEMPLATES = (
    ("finance", "email", "outbound", "email", "Credit review",
     "Payment history reviewed; keep on standard terms, revisit if another invoice is late."),
    ("finance", "call", "outbound", "phone", "Collections note",
     "Agreed a payment date on the phone; do not chase again before then."),
    ("service", "call", "inbound", "phone", "Escalation note",
     "Customer was upset about the handling of the last complaint; goodwill gesture approved."),
    ("sales", "meeting", "outbound", "in_person", "Account strategy",
     "Competitor is quoting lower on {category}; hold the price, offer the service plan."),
)
# fmt: on
